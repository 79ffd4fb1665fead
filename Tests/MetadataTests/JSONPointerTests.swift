import TernCore
import Testing

@testable import Metadata

@Suite struct JSONPointerTests {
    let document = MetadataFixtures.json(#"{"a/b": {"c~d": 1}, "list": [10, 20], "m": {"n": {"o": "p"}}, "": 0}"#)

    @Test func parsesAndEscapesAsRFC6901Says() throws {
        let pointer = try JSONPointer(parsing: "/a~1b/c~0d")
        #expect(pointer.tokens == ["a/b", "c~d"])
        #expect(pointer.description == "/a~1b/c~0d")
        #expect(try JSONPointer(parsing: "").tokens.isEmpty)
        #expect(try JSONPointer(parsing: "/").tokens == [""])
        #expect(document.value(atPointer: pointer) == .int(1))
        #expect(document.value(atPointer: try JSONPointer(parsing: "/")) == .int(0))
        #expect(document.value(atPointer: JSONPointer()) == document)
    }

    @Test func rejectsMalformedPointers() {
        #expect(throws: JSONPointer.Failure.self) { try JSONPointer(parsing: "settings/index") }
        #expect(throws: JSONPointer.Failure.self) { try JSONPointer(parsing: "/a~2") }
        #expect(throws: JSONPointer.Failure.self) { try JSONPointer(parsing: "/a~") }
    }

    @Test func readsArraysByPosition() {
        #expect(document.value(atPointer: MetadataFixtures.pointer("/list/1")) == .int(20))
        #expect(document.value(atPointer: MetadataFixtures.pointer("/list/2")) == nil)
        #expect(document.value(atPointer: MetadataFixtures.pointer("/list/01")) == nil)
        #expect(document.value(atPointer: MetadataFixtures.pointer("/m/n/o/p")) == nil)
    }

    @Test func setCreatesMissingObjectsAndAppends() throws {
        var value = document
        try value.setValue(.string("x"), atPointer: MetadataFixtures.pointer("/new/deep/key"))
        try value.setValue(.int(30), atPointer: MetadataFixtures.pointer("/list/-"))
        try value.setValue(.int(11), atPointer: MetadataFixtures.pointer("/list/0"))
        #expect(value["new"]?["deep"]?["key"] == .string("x"))
        #expect(value["list"] == .array([.int(11), .int(20), .int(30)]))
        #expect(throws: JSONPointer.Failure.self) { try value.setValue(.null, atPointer: MetadataFixtures.pointer("/m/n/o/deeper")) }
        #expect(throws: JSONPointer.Failure.self) { try value.setValue(.null, atPointer: MetadataFixtures.pointer("/list/9")) }
        var whole = value
        try whole.setValue(.int(1), atPointer: JSONPointer())
        #expect(whole == .int(1))
    }

    @Test func removeTakesOutOnlyWhatIsThere() {
        var value = document
        #expect(value.removeValue(atPointer: MetadataFixtures.pointer("/m/n/o")) == .string("p"))
        #expect(value["m"]?["n"] == .object([:]))
        #expect(value.removeValue(atPointer: MetadataFixtures.pointer("/list/0")) == .int(10))
        #expect(value["list"] == .array([.int(20)]))
        let before = value
        #expect(value.removeValue(atPointer: MetadataFixtures.pointer("/missing/x")) == nil)
        #expect(value == before)
    }

    @Test func withinAndOrdering() {
        let parent = MetadataFixtures.pointer("/mappings/properties")
        #expect(MetadataFixtures.pointer("/mappings/properties/a").isWithin(parent))
        #expect(parent.isWithin(parent))
        #expect(!MetadataFixtures.pointer("/mappings").isWithin(parent))
        #expect(parent.parent == MetadataFixtures.pointer("/mappings"))
        #expect(parent.appending("x", "y").description == "/mappings/properties/x/y")
    }
}
