import Testing

@testable import TernCore

@Suite struct ClusterVersionTests {
    @Test func parsesDistributionAndVersion() throws {
        let version = try ClusterVersion(parsing: "elasticsearch-oss:7.10.2", flag: "--source-version")
        #expect(version == ClusterVersion(.elasticsearchOSS, SemanticVersion(7, 10, 2)))
        #expect(try ClusterVersion(parsing: "os:2.19.1", flag: "x").distribution == .opensearch)
        #expect(try ClusterVersion(parsing: "es:8.15.0", flag: "x").distribution == .elasticsearch)
    }

    @Test func mapsOpenDistroReleasesToTheirEngine() throws {
        let version = try ClusterVersion(parsing: "opendistro:1.13.2", flag: "--source-version")
        #expect(version.version == SemanticVersion(7, 10, 2))
        #expect(version.productVersion == SemanticVersion(1, 13, 2))
        #expect(try ClusterVersion(parsing: "odfe:7.9.1", flag: "x").version == SemanticVersion(7, 9, 1))
    }

    @Test func explainsWhatIsWrongWithAVersionArgument() {
        #expect(throws: TernError.self) { try ClusterVersion(parsing: "7.10.2", flag: "--source-version") }
        do {
            _ = try ClusterVersion(parsing: "solr:9.0", flag: "--target-version")
            Issue.record("accepted an unknown distribution")
        } catch let error as TernError {
            #expect(error.exitCode == .usage)
            #expect(error.message.contains("--target-version 'solr:9.0' names an unknown distribution 'solr'"))
            #expect(error.message.contains("opensearch:2.19.1"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func placesVersionsOnOneIndexGenerationScale() {
        #expect(ClusterVersion(.elasticsearchOSS, SemanticVersion(6, 8, 0)).indexGeneration == 6)
        #expect(ClusterVersion(.opensearch, SemanticVersion(1, 3, 0)).indexGeneration == 7)
        #expect(ClusterVersion(.opensearch, SemanticVersion(2, 19, 0)).indexGeneration == 8)
        #expect(ClusterVersion(.opensearch, SemanticVersion(3, 0, 0)).oldestReadableIndexGeneration == 8)
        #expect(ClusterVersion(.elasticsearch, SemanticVersion(7, 17, 9)).isOnOpenSearchLine == false)
        #expect(ClusterVersion(.elasticsearchOSS, SemanticVersion(7, 10, 2)).isOnOpenSearchLine)
    }

    @Test func decodesIndexVersionIdentifiers() {
        #expect(ClusterVersion(indexVersionID: 7_10_02_99) == ClusterVersion(.elasticsearch, SemanticVersion(7, 10, 2)))
        #expect(ClusterVersion(indexVersionID: 6_08_00_99) == ClusterVersion(.elasticsearch, SemanticVersion(6, 8, 0)))
        // osmem-server (OpenSearch 3.8.0) reports index.version.created 137297827.
        #expect(ClusterVersion(indexVersionID: 137_297_827) == ClusterVersion(.opensearch, SemanticVersion(3, 8, 0)))
        #expect(ClusterVersion(indexVersionID: 8_500_003)?.version.major == 8)
        #expect(ClusterVersion(indexVersionID: 9_009_000) == ClusterVersion(.elasticsearch, SemanticVersion(9, 0, 0)))
        #expect(ClusterVersion(indexVersionID: 0) == nil)
    }
}
