import Foundation
import Testing

@testable import SnapshotReader

/// Compressed metadata blobs: DEFLATE (`DFL\0`, the Elasticsearch 8 default) and zstd (`ZSTD\0`, OpenSearch 2.10+), with
/// payloads compressed by Python's zlib and the zstd command-line tool rather than by our own code.
@Suite struct BlobCompressionTests {
    static let document =
        #"{"snapshot":{"name":"nightly","indices":["logs","metrics"],"state":"SUCCESS","padding":"\#(String(repeating: "abc", count: 400))"}}"#

    /// Runs a tool with `input` on standard input and returns its standard output.
    static func run(_ arguments: [String], input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CompressionToolMissing(tool: arguments[0]) }
        return output
    }

    struct CompressionToolMissing: Error, CustomStringConvertible {
        var tool: String
        var description: String { "\(tool) failed or is missing; run scripts/setup.sh" }
    }

    /// A blob framed like Elasticsearch's ChecksumBlobStoreFormat around `payload`.
    static func blob(_ payload: [UInt8], codec: String = "snapshot") -> [UInt8] {
        var bytes: [UInt8] = [0x3F, 0xD7, 0x6C, 0x17, UInt8(codec.utf8.count)] + Array(codec.utf8) + [0, 0, 0, 1] + payload
        bytes += [0xC0, 0x28, 0x93, 0xE8, 0, 0, 0, 0]
        let crc = UInt64(BlobWriter.crc32(bytes))
        return bytes + (0..<8).reversed().map { UInt8(truncatingIfNeeded: crc >> (8 * UInt64($0))) }
    }

    static func read(_ bytes: [UInt8]) throws -> String {
        let blob = try ChecksumBlob.read(LuceneFile(name: "snap-test.dat", data: Data(bytes)), codec: "snapshot")
        return String(decoding: blob.json, as: UTF8.self)
    }

    @Test func deflateCompressedBlob() throws {
        let deflated = try Self.run(
            [
                "python3", "-c",
                "import sys,zlib; c=zlib.compressobj(6, zlib.DEFLATED, -15); sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read())+c.flush())",
            ],
            input: Data(Self.document.utf8))
        #expect(try Self.read(Self.blob(Array("DFL\0".utf8) + Array(deflated))) == Self.document)
    }

    @Test func zstdCompressedBlob() throws {
        let compressed = try Self.run(["zstd", "-q", "-c"], input: Data(Self.document.utf8))
        #expect(try Self.read(Self.blob(Array("ZSTD\0".utf8) + Array(compressed))) == Self.document)
    }

    @Test func damagedCompressedPayloadsAreErrors() throws {
        let deflated = try Self.run(
            [
                "python3", "-c",
                "import sys,zlib; c=zlib.compressobj(6, zlib.DEFLATED, -15); sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read())+c.flush())",
            ],
            input: Data(Self.document.utf8))
        let cut = Array("DFL\0".utf8) + Array(deflated.prefix(deflated.count / 2))
        #expect(throws: SnapshotReaderError.self) { try Self.read(Self.blob(cut)) }
        let garbage = Array("DFL\0".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0x00]
        #expect(throws: SnapshotReaderError.self) { try Self.read(Self.blob(garbage)) }
        #expect(throws: SnapshotReaderError.self) { try Self.read(Self.blob(Array("ZSTD\0".utf8) + [1, 2, 3, 4])) }
        let zstd = try Self.run(["zstd", "-q", "-c"], input: Data(Self.document.utf8))
        #expect(throws: SnapshotReaderError.self) { try Self.read(Self.blob(Array("ZSTD\0".utf8) + Array(zstd.prefix(zstd.count / 2)))) }
        var flipped = Self.blob(Array(Self.document.utf8))
        flipped[20] ^= 1
        #expect(throws: SnapshotReaderError.self) { try Self.read(flipped) }
    }

    @Test func wrongCodecAndOtherFormatsAreNamed() throws {
        do {
            _ = try ChecksumBlob.read(
                LuceneFile(name: "meta-x.dat", data: Data(Self.blob(Array("{}".utf8), codec: "metadata"))), codec: "snapshot")
            Issue.record("accepted the wrong codec")
        } catch {
            #expect(error.description == "meta-x.dat is corrupt at byte 4: the codec is 'metadata' where 'snapshot' was expected.")
        }
        #expect(
            throws: SnapshotReaderError.unsupported("snap-test.dat", "a CBOR document (convert the index's source format to JSON first)")
        ) {
            try Self.read(Self.blob([0xD9, 0xD9, 0xF7, 0xA0]))
        }
    }
}
