import Testing

@testable import SnapshotReader

@Suite("Elasticsearch _id encoding")
struct ElasticsearchIDTests {
    private func decode(_ bytes: [UInt8]) throws -> String {
        try bytes.withUnsafeBytes { buffer in try ElasticsearchID.decode(buffer) }
    }

    @Test("numeric ids pack two digits a byte, 0xF pads an odd count")
    func numeric() throws {
        #expect(ElasticsearchID.encode("12345") == [0xFE, 0x12, 0x34, 0x5F])
        #expect(ElasticsearchID.encode("0042") == [0xFE, 0x00, 0x42])
        #expect(try decode([0xFE, 0x12, 0x34, 0x5F]) == "12345")
        #expect(try decode([0xFE, 0x00, 0x42]) == "0042")
        #expect(try decode([0xFE]) == "")
    }

    @Test("base64url ids are stored as their bytes and re-encoded without padding")
    func base64() throws {
        let autoID = "ZQ0tJ3sBaWLOyWdxTp0Y"  // Elasticsearch's 20-character generated ids
        let stored = ElasticsearchID.encode(autoID)
        #expect(stored.count == 15)
        #expect(try decode(stored) == autoID)
        #expect(try decode(Array("abc".utf8)) == "YWJj")
        #expect(try decode([0x01]) == "AQ")
        #expect(try decode([0x01, 0x02]) == "AQI")
    }

    @Test("a first byte of 0xFD or more is escaped with 0xFD")
    func escape() throws {
        #expect(ElasticsearchID.encode("_w") == [0xFD, 0xFF])
        #expect(ElasticsearchID.encode("_-8") == [0xFD, 0xFF, 0xEF])
        #expect(try decode([0xFD, 0xFF]) == "_w")
        #expect(try decode([0xFD, 0xFD, 0x00]) == "_QA")
        #expect(ElasticsearchID.encode("-A") == [0xF8])
    }

    @Test("other ids are UTF-8 after 0xFF")
    func utf8() throws {
        #expect(ElasticsearchID.encode("doc é") == [0xFF] + Array("doc é".utf8))
        #expect(try decode([0xFF] + Array("user/1 😀".utf8)) == "user/1 😀")
        // Not base64url: padding, a length of 4n+1, stray bits in the last character, other characters.
        for id in ["YQ==", "abcde", "AB", "a.b", "12a", "A"] {
            #expect(ElasticsearchID.encode(id).first == 0xFF, "\(id)")
        }
    }

    @Test(
        "every encoding round-trips",
        arguments: ["1", "0", "007", "9876543210", "AAAA", "_____w", "x-Y_z9", "hello world", "ümlaut", "-", "--"])
    func roundTrip(id: String) throws {
        #expect(try decode(ElasticsearchID.encode(id)) == id)
    }

    @Test("damaged ids are errors")
    func damaged() {
        #expect(throws: SnapshotReaderError.self) { try decode([]) }
        #expect(throws: SnapshotReaderError.self) { try decode([0xFE, 0xA1]) }
        #expect(throws: SnapshotReaderError.self) { try decode([0xFE, 0x1F, 0x23]) }
        #expect(throws: SnapshotReaderError.self) { try decode([0xFF, 0xC3]) }
    }
}
