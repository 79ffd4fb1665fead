import CZlib

/// The on-disk layout of the capture log.
///
/// A segment file begins with a 32-byte header: the magic `TERNCLOG`, the format version (UInt32), the segment number
/// (UInt64), the exchange floor (UInt64: every exchange id handed out before the segment was created is below it) and a
/// CRC32 of the preceding 28 bytes. Records follow, each framed as the marker `TREC`, the payload length (UInt32), a CRC32
/// of the length and payload bytes, then the payload (``CaptureRecord`` encoded). Integers are little-endian.
enum CaptureLogFormat {
    static let fileMagic: [UInt8] = Array("TERNCLOG".utf8)
    static let formatVersion: UInt32 = 1
    static let fileHeaderSize = 32
    static let recordMagic: [UInt8] = Array("TREC".utf8)
    static let frameHeaderSize = 12
    /// Larger than any request a cluster accepts (`http.max_content_length` defaults to 100 MB), small enough that a
    /// damaged length field is recognised as damage.
    static let maxPayloadBytes = 512 << 20
    static let lockFileName = "writer.lock"

    /// `segment-00000000000000000001.tcl`: zero-padded so that names sort like numbers.
    static func fileName(segment: UInt64) -> String {
        let digits = String(segment)
        return "segment-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".tcl"
    }

    static func segmentNumber(fileName: String) -> UInt64? {
        guard fileName.hasPrefix("segment-"), fileName.hasSuffix(".tcl"), fileName.utf8.count == 32 else { return nil }
        return UInt64(fileName.dropFirst(8).dropLast(4))
    }

    static func crc(_ bytes: some Collection<UInt8>, initial: UInt32 = 0) -> UInt32 {
        // zlib answers a null buffer with its initial value, not with `initial`: an empty input must not reach it.
        guard !bytes.isEmpty else { return initial }
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            UInt32(crc32(uLong(initial), buffer.baseAddress, uInt(buffer.count)))
        }
        return result ?? crc(Array(bytes), initial: initial)
    }

    static func fileHeader(segment: UInt64, exchangeFloor: UInt64) -> [UInt8] {
        var bytes = fileMagic
        bytes.appendLittleEndian(formatVersion)
        bytes.appendLittleEndian(segment)
        bytes.appendLittleEndian(exchangeFloor)
        bytes.appendLittleEndian(crc(bytes))
        return bytes
    }

    /// The segment number and exchange floor of a header, or why it is not one.
    static func parseFileHeader(_ bytes: [UInt8]) -> Result<(segment: UInt64, exchangeFloor: UInt64), HeaderProblem> {
        guard bytes.count >= fileHeaderSize else { return .failure(.incomplete) }
        guard Array(bytes[0..<8]) == fileMagic else { return .failure(.damaged("it does not begin with a capture log header")) }
        guard bytes.littleEndian(UInt32.self, at: 28) == crc(bytes[0..<28]) else {
            return .failure(.damaged("its header checksum does not match"))
        }
        let version = bytes.littleEndian(UInt32.self, at: 8)
        guard version == formatVersion else {
            return .failure(.damaged("it has format version \(version), which this Tern does not read"))
        }
        return .success((bytes.littleEndian(UInt64.self, at: 12), bytes.littleEndian(UInt64.self, at: 20)))
    }

    enum HeaderProblem: Error {
        case incomplete
        case damaged(String)
    }

    /// Marker, length, checksum and the record's binary form, encoded in place behind a header filled in afterwards.
    /// - Returns: the frame and the size of its payload.
    static func frame(_ record: CaptureRecord) -> (bytes: [UInt8], payloadCount: Int) {
        var bytes = recordMagic + [UInt8](repeating: 0, count: frameHeaderSize - recordMagic.count)
        record.encode(into: &bytes)
        let payloadCount = bytes.count - frameHeaderSize
        var header: [UInt8] = []
        header.appendLittleEndian(UInt32(truncatingIfNeeded: payloadCount))
        header.appendLittleEndian(crc(bytes[frameHeaderSize...], initial: crc(header)))
        bytes.replaceSubrange(recordMagic.count..<frameHeaderSize, with: header)
        return (bytes, payloadCount)
    }

    /// What lies at an offset of a segment file.
    enum FrameRead {
        /// A whole record whose checksum matches; the next one begins at `end`.
        case record(payload: [UInt8], end: Int64)
        /// The file ends exactly here.
        case end
        /// The file ends inside a record: not written yet, or torn.
        case incomplete
        /// The bytes here are not a valid record.
        case damaged(String)
    }

    /// Reads the frame at `offset` of `file`, whose size is `size`.
    static func readFrame(in file: CaptureLogFile, at offset: Int64, size: Int64) throws -> FrameRead {
        let remaining = size - offset
        if remaining <= 0 { return .end }
        let header = try file.read(count: Int(min(Int64(frameHeaderSize), remaining)), at: offset)
        let markerBytes = min(header.count, recordMagic.count)
        guard header[0..<markerBytes].elementsEqual(recordMagic[0..<markerBytes]) else {
            return .damaged("no record begins there")
        }
        guard header.count == frameHeaderSize else { return .incomplete }
        let length = Int(header.littleEndian(UInt32.self, at: 4))
        guard length <= maxPayloadBytes else { return .damaged("the record claims a length of \(length) bytes") }
        guard Int64(frameHeaderSize + length) <= remaining else { return .incomplete }
        let payload = try file.read(count: length, at: offset + Int64(frameHeaderSize))
        guard payload.count == length else { return .incomplete }
        guard crc(payload, initial: crc(header[4..<8])) == header.littleEndian(UInt32.self, at: 8) else {
            return .damaged("the record's checksum does not match")
        }
        return .record(payload: payload, end: offset + Int64(frameHeaderSize + length))
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var little = value.littleEndian
        Swift.withUnsafeBytes(of: &little) { append(contentsOf: $0) }
    }
}

extension Collection where Element == UInt8, Index == Int {
    func littleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size {
            value |= T(self[startIndex + offset + index]) << (8 * index)
        }
        return value
    }
}
