import Testing

@testable import TernCore

@Suite struct SemanticVersionTests {
    @Test func parsesFullAndPartialVersions() throws {
        #expect(SemanticVersion("7.10.2") == SemanticVersion(7, 10, 2))
        #expect(SemanticVersion("2") == SemanticVersion(2, 0, 0))
        #expect(SemanticVersion("1.3.x")?.description == "1.3.x")
        #expect(SemanticVersion("7.17")?.description == "7.17.x")
        #expect(SemanticVersion("8.0.0-rc1")?.preRelease == "rc1")
        #expect(SemanticVersion("v2.19.1") == SemanticVersion(2, 19, 1))
    }

    @Test(arguments: ["", "x", "1.2.3.4", "a.b", "1..2", "-1.0", "1.x.3"])
    func rejectsWhatIsNotAVersion(_ text: String) {
        #expect(SemanticVersion(text) == nil)
    }

    @Test func ordersNumericallyAndPreReleasesFirst() throws {
        #expect(SemanticVersion(7, 9, 0) < SemanticVersion(7, 10, 0))
        #expect(SemanticVersion(1, 3, 20) < SemanticVersion(2, 0, 0))
        #expect(SemanticVersion(8, 0, 0, preRelease: "rc1") < SemanticVersion(8, 0, 0))
        #expect(!(SemanticVersion(8, 0, 0) < SemanticVersion(8, 0, 0, preRelease: "rc1")))
    }
}
