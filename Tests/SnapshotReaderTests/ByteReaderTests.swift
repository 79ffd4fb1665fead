import Testing

@testable import SnapshotReader

@Suite struct ByteReaderTests {
    func read<R>(_ bytes: [UInt8], _ body: (inout ByteReader) throws -> R) throws -> R {
        try bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw, name: "test.bin")
            return try body(&reader)
        }
    }

    @Test func readsBothByteOrders() throws {
        #expect(try read([0x00, 0x00, 0x01, 0x02]) { try $0.readBEInt32() } == 0x0102)
        #expect(try read([0x02, 0x01, 0x00, 0x00]) { try $0.readLEInt32() } == 0x0102)
        #expect(try read([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]) { try $0.readBEInt64() } == -2)
        #expect(try read([0x3F, 0xD7, 0x6C, 0x17]) { try $0.readBEInt32() } == 0x3FD7_6C17)
    }

    @Test func readsVariableLengthIntegers() throws {
        #expect(try read([0x7F]) { try $0.readVInt() } == 127)
        #expect(try read([0x80, 0x01]) { try $0.readVInt() } == 128)
        #expect(try read([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) { try $0.readVInt() } == -1)
        #expect(try read([0x03]) { try $0.readZInt() } == -2)
        #expect(try read([0x04]) { try $0.readZLong() } == 2)
        #expect(try read([0x05, 0x68, 0x65, 0x6C, 0x6C, 0x6F]) { try $0.readString() } == "hello")
    }

    @Test func truncatedAndCorruptInputThrowsNamingTheFile() {
        #expect(throws: SnapshotReaderError.truncated("test.bin", at: 0, needed: 4)) { try read([0x00, 0x01]) { try $0.readBEInt32() } }
        #expect(throws: SnapshotReaderError.self) { try read([0x80, 0x80, 0x80, 0x80, 0x80, 0x80]) { try $0.readVInt() } }
        #expect(throws: SnapshotReaderError.self) { try read([0x85]) { try $0.readString() } }
        let message = SnapshotReaderError.truncated("_0.fdt", at: 10, needed: 4).description
        #expect(message == "_0.fdt is truncated: it ends at byte 10 where 4 more bytes were expected; the copy is incomplete or damaged.")
    }

    @Test func adviceIsAddedOnceToDamageAndKeepsTheExitCode() {
        let damage = SnapshotReaderError.corrupt("_0.fdt", at: 3, "a bad chunk")
        let advised = damage.advising("copy it again")
        #expect(advised.description == "_0.fdt is corrupt at byte 3: a bad chunk; copy it again.")
        #expect(advised.advising("read another snapshot") == advised)
        #expect(advised.ternError.exitCode == damage.ternError.exitCode && advised.ternError.kind == damage.ternError.kind)
        let truncated = SnapshotReaderError.truncated("_0.fdt", at: 10, needed: 4).advising("copy it again")
        #expect(truncated.description.hasSuffix("; the copy is incomplete or damaged; copy it again."))
        let input = SnapshotReaderError.invalidInput("There is no snapshot s1.")
        #expect(input.advising("copy it again") == input)
    }
}
