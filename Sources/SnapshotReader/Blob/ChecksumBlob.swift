import CZlib

/// A metadata blob of a snapshot repository (`snap-*.dat`, `meta-*.dat`, shard `snap-*.dat`): a Lucene-style codec
/// header, a payload (SMILE or JSON, optionally DEFLATE- or zstd-compressed), and a footer with a CRC32 of everything
/// before the checksum.
public struct ChecksumBlob: Sendable {
    public static let headerMagic: Int32 = 0x3FD7_6C17
    public static let footerMagic: Int32 = Int32(bitPattern: 0xC028_93E8)

    /// The codec name in the header (`snapshot`, `metadata`, `index-metadata`).
    public let codec: String
    public let version: Int32
    /// The payload after decompression, as JSON text.
    public let json: [UInt8]

    /// Reads and verifies a blob.
    /// - Parameter codec: the codec name the caller expects; another one is an error.
    public static func read(_ file: LuceneFile, codec expected: String? = nil) throws(SnapshotReaderError) -> ChecksumBlob {
        try file.withBytes { (bytes) throws(SnapshotReaderError) -> ChecksumBlob in
            let name = file.name
            guard bytes.count >= 16 + 9 else { throw SnapshotReaderError.truncated(name, at: bytes.count, needed: 25 - bytes.count) }
            var reader = ByteReader(bytes, name: name)
            guard try reader.readBEInt32() == headerMagic else {
                throw SnapshotReaderError.corrupt(name, at: 0, "not a snapshot blob (no codec header)")
            }
            let codec = try reader.readString()
            if let expected, codec != expected {
                throw SnapshotReaderError.corrupt(name, at: 4, "the codec is '\(codec)' where '\(expected)' was expected")
            }
            let version = try reader.readBEInt32()
            let payloadStart = reader.offset
            let footerStart = bytes.count - 16
            guard payloadStart <= footerStart else { throw SnapshotReaderError.truncated(name, at: bytes.count, needed: 16) }

            var footer = ByteReader(bytes, name: name, offset: footerStart)
            guard try footer.readBEInt32() == footerMagic, try footer.readBEInt32() == 0 else {
                throw SnapshotReaderError.advised(
                    .corrupt(name, at: footerStart, "the footer is missing: the file was cut short or overwritten"),
                    advice: "copy it again from the repository")
            }
            let stored = UInt64(bitPattern: try footer.readBEInt64())
            let actual = UInt64(crc32(0, bytes.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(bytes.count - 8)))
            guard stored == actual else {
                throw SnapshotReaderError.advised(
                    .corrupt(
                        name, at: bytes.count - 8,
                        "checksum mismatch (stored \(String(stored, radix: 16)), computed \(String(actual, radix: 16))): the blob is damaged"
                    ),
                    advice: "copy it again from the repository")
            }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<footerStart])
            return ChecksumBlob(codec: codec, version: version, json: try decode(payload, name: name))
        }
    }

    /// Decompresses and converts a payload to JSON.
    static func decode(_ payload: UnsafeRawBufferPointer, name: String) throws(SnapshotReaderError) -> [UInt8] {
        if payload.starts(with: Array("DFL\0".utf8)) {
            let inflated = try RawInflate.inflate(UnsafeRawBufferPointer(rebasing: payload.dropFirst(4)), name: name)
            return try inflated.withBytes { (bytes) throws(SnapshotReaderError) in try decode(bytes, name: name) }
        }
        if payload.starts(with: Array("ZSTD\0".utf8)) {
            let inflated = try ZstdLibrary.decompress(UnsafeRawBufferPointer(rebasing: payload.dropFirst(5)), name: name)
            return try inflated.withBytes { (bytes) throws(SnapshotReaderError) in try decode(bytes, name: name) }
        }
        if payload.starts(with: [0x5A, 0x56]) {
            throw SnapshotReaderError.unsupported(name, "LZF compression (Elasticsearch 1.x repositories)")
        }
        return try XContent.json(from: payload, name: name)
    }
}
