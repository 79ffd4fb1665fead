import CZlib

/// Lucene's file framing: every file starts with a codec header and ends with a 16-byte footer holding a CRC32.
///
/// Headers and footers are big-endian in every Lucene version.
enum CodecUtil {
    static let headerMagic: UInt32 = 0x3FD7_6C17
    static let footerMagic: UInt32 = ~headerMagic
    static let footerLength = 16

    /// A parsed header.
    struct Header: Sendable {
        var codec: String
        var version: Int
    }

    /// Reads a plain header (magic, codec name, version) and checks the name is one of `codecs` and the version is in
    /// `versions`.
    static func readHeader(
        _ reader: inout ByteReader, codecs: [String], versions: ClosedRange<Int>
    ) throws(SnapshotReaderError) -> Header {
        let start = reader.offset
        let magic = UInt32(bitPattern: try reader.readBEInt32())
        guard magic == headerMagic else {
            throw SnapshotReaderError.corrupt(
                reader.name, at: start, "the codec header magic is 0x\(String(magic, radix: 16)), not 0x3fd76c17 (not a Lucene file)")
        }
        return try readHeaderAfterMagic(&reader, codecs: codecs, versions: versions)
    }

    static func readHeaderAfterMagic(
        _ reader: inout ByteReader, codecs: [String], versions: ClosedRange<Int>
    ) throws(SnapshotReaderError) -> Header {
        let nameLength = Int(try reader.readByte())
        let codec = String(decoding: try reader.readBytes(nameLength), as: UTF8.self)
        guard codecs.contains(codec) else {
            let expected = codecs.count == 1 ? codecs[0] : "one of " + codecs.joined(separator: ", ")
            throw SnapshotReaderError.unsupported(reader.name, "codec \"\(codec)\" where \(expected) was expected")
        }
        let versionOffset = reader.offset
        let version = Int(try reader.readBEInt32())
        guard versions.contains(version) else {
            throw SnapshotReaderError.unsupported(
                reader.name,
                "\(codec) format version \(version) (known: \(versions.lowerBound)...\(versions.upperBound), at byte \(versionOffset))")
        }
        return Header(codec: codec, version: version)
    }

    /// Reads an index header: a plain header, the segment id and a suffix, checking both.
    static func readIndexHeader(
        _ reader: inout ByteReader, codecs: [String], versions: ClosedRange<Int>, id: LuceneID?, suffix: String
    ) throws(SnapshotReaderError) -> Header {
        let header = try readHeader(&reader, codecs: codecs, versions: versions)
        try checkIDAndSuffix(&reader, id: id, suffix: suffix)
        return header
    }

    static func checkIDAndSuffix(_ reader: inout ByteReader, id: LuceneID?, suffix: String) throws(SnapshotReaderError) {
        let idOffset = reader.offset
        let found = try reader.readID()
        if let id, found != id {
            throw SnapshotReaderError.corrupt(
                reader.name, at: idOffset, "its segment id \(found) is not the segment's id \(id) (a file of another segment)")
        }
        let suffixLength = Int(try reader.readByte())
        let foundSuffix = String(decoding: try reader.readBytes(suffixLength), as: UTF8.self)
        guard foundSuffix == suffix else {
            throw SnapshotReaderError.corrupt(reader.name, at: idOffset + 16, "its header suffix is \"\(foundSuffix)\", not \"\(suffix)\"")
        }
    }

    /// Checks the footer's structure (magic, algorithm) and, if `verifyChecksum`, the CRC32 of the whole file.
    /// Returns the stored checksum.
    @discardableResult
    static func checkFooter(_ bytes: UnsafeRawBufferPointer, name: String, verifyChecksum: Bool) throws(SnapshotReaderError) -> UInt32 {
        guard bytes.count >= footerLength else {
            throw SnapshotReaderError.truncated(name, at: bytes.count, needed: footerLength - bytes.count)
        }
        var reader = ByteReader(bytes, name: name, offset: bytes.count - footerLength)
        let magic = UInt32(bitPattern: try reader.readBEInt32())
        guard magic == footerMagic else {
            throw SnapshotReaderError.corrupt(
                name, at: bytes.count - footerLength,
                "the footer magic is 0x\(String(magic, radix: 16)), not 0xc02893e8 (the file is truncated or damaged)")
        }
        let algorithm = try reader.readBEInt32()
        guard algorithm == 0 else {
            throw SnapshotReaderError.corrupt(name, at: bytes.count - 12, "unknown checksum algorithm \(algorithm)")
        }
        let stored = UInt64(bitPattern: try reader.readBEInt64())
        guard stored >> 32 == 0 else {
            throw SnapshotReaderError.corrupt(
                name, at: bytes.count - 8, "the footer checksum 0x\(String(stored, radix: 16)) is not a CRC32")
        }
        if verifyChecksum {
            let actual = crc32(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 8)]))
            guard actual == UInt32(stored) else {
                throw SnapshotReaderError.corrupt(
                    name, at: bytes.count - 8,
                    "checksum mismatch: the footer says 0x\(String(stored, radix: 16)) but the content hashes to 0x\(String(actual, radix: 16))"
                )
            }
        }
        return UInt32(stored)
    }

    /// CRC32 (zlib's polynomial, as `java.util.zip.CRC32`).
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt = CZlib.crc32(0, nil, 0)
        var offset = 0
        while offset < bytes.count {
            // zlib takes a 32-bit length.
            let length = min(bytes.count - offset, 1 << 30)
            crc = CZlib.crc32(crc, bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self), UInt32(length))
            offset += length
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// Runs `body` on a reader over the file's bytes without the footer, after checking the footer (and the checksum,
    /// if asked).
    static func withVerifiedFile<R>(
        _ file: LuceneFile, verifyChecksum: Bool, _ body: (inout ByteReader) throws(SnapshotReaderError) -> R
    ) throws(SnapshotReaderError) -> R {
        try file.withBytes { (bytes) throws(SnapshotReaderError) -> R in
            try checkFooter(bytes, name: file.name, verifyChecksum: verifyChecksum)
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - footerLength)]), name: file.name)
            return try body(&reader)
        }
    }

    /// Lucene's base-36 generation suffix (`Long.toString(gen, 36)`).
    static func base36(_ value: Int64) -> String {
        String(value, radix: 36)
    }
}
