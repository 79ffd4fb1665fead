import TernCore

/// Reads the primitive encodings of Lucene and Elasticsearch files from a byte buffer, with bounds checks that turn
/// truncated or corrupt input into errors instead of crashes.
///
/// Fixed-width integers come in both byte orders: Lucene 8 and older write big-endian, Lucene 9+ little-endian (except
/// codec headers and footers, always big-endian). Variable-length ints are little-endian base-128 everywhere.
public struct ByteReader {
    public let bytes: UnsafeRawBufferPointer
    /// The read position, relative to `bytes`.
    public var offset: Int
    /// Names the source in errors (`_0.fdt`, `indices/abc/0/__x`).
    public let name: String

    public init(_ bytes: UnsafeRawBufferPointer, name: String, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        self.name = name
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset >= bytes.count }

    @inline(__always)
    func need(_ count: Int) throws(SnapshotReaderError) {
        guard count >= 0, count <= bytes.count - offset else {
            throw SnapshotReaderError.truncated(name, at: offset, needed: count)
        }
    }

    public mutating func readByte() throws(SnapshotReaderError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readBytes(_ count: Int) throws(SnapshotReaderError) -> UnsafeRawBufferPointer {
        try need(count)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    public mutating func skip(_ count: Int) throws(SnapshotReaderError) {
        try need(count)
        offset += count
    }

    public mutating func readBEInt32() throws(SnapshotReaderError) -> Int32 {
        Int32(bitPattern: UInt32(try readBEUInt(4)))
    }

    public mutating func readBEInt64() throws(SnapshotReaderError) -> Int64 {
        Int64(bitPattern: try readBEUInt(8))
    }

    public mutating func readLEInt32() throws(SnapshotReaderError) -> Int32 {
        Int32(bitPattern: UInt32(try readLEUInt(4)))
    }

    public mutating func readLEInt64() throws(SnapshotReaderError) -> Int64 {
        Int64(bitPattern: try readLEUInt(8))
    }

    public mutating func readBEInt16() throws(SnapshotReaderError) -> Int16 {
        Int16(bitPattern: UInt16(try readBEUInt(2)))
    }

    public mutating func readLEInt16() throws(SnapshotReaderError) -> Int16 {
        Int16(bitPattern: UInt16(try readLEUInt(2)))
    }

    @inline(__always)
    mutating func readBEUInt(_ width: Int) throws(SnapshotReaderError) -> UInt64 {
        try need(width)
        var value: UInt64 = 0
        for index in 0..<width { value = value << 8 | UInt64(bytes[offset + index]) }
        offset += width
        return value
    }

    @inline(__always)
    mutating func readLEUInt(_ width: Int) throws(SnapshotReaderError) -> UInt64 {
        try need(width)
        var value: UInt64 = 0
        for index in (0..<width).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        offset += width
        return value
    }

    /// Lucene's vInt: 7 bits per byte, low groups first, at most 5 bytes.
    public mutating func readVInt() throws(SnapshotReaderError) -> Int32 {
        var result: UInt32 = 0
        var shift: UInt32 = 0
        for _ in 0..<5 {
            let byte = try readByte()
            result |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return Int32(bitPattern: result) }
            shift += 7
        }
        throw SnapshotReaderError.corrupt(name, at: offset, "a vInt longer than 5 bytes")
    }

    /// Lucene's vLong: up to 9 bytes (10 for negative values written by `writeVLong` of older versions).
    public mutating func readVLong() throws(SnapshotReaderError) -> Int64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<10 {
            let byte = try readByte()
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return Int64(bitPattern: result) }
            shift += 7
        }
        throw SnapshotReaderError.corrupt(name, at: offset, "a vLong longer than 10 bytes")
    }

    /// Zig-zag encoded vInt.
    public mutating func readZInt() throws(SnapshotReaderError) -> Int32 {
        let raw = UInt32(bitPattern: try readVInt())
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Zig-zag encoded vLong.
    public mutating func readZLong() throws(SnapshotReaderError) -> Int64 {
        let raw = UInt64(bitPattern: try readVLong())
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A vInt length followed by that many UTF-8 bytes.
    public mutating func readString() throws(SnapshotReaderError) -> String {
        let length = Int(try readVInt())
        guard length >= 0 else { throw SnapshotReaderError.corrupt(name, at: offset, "a negative string length") }
        return String(decoding: try readBytes(length), as: UTF8.self)
    }

    /// A vInt count followed by that many strings.
    public mutating func readStringSet() throws(SnapshotReaderError) -> [String] {
        let count = Int(try readVInt())
        guard count >= 0, count <= remaining else {
            throw SnapshotReaderError.corrupt(name, at: offset, "an impossible string count \(count)")
        }
        var strings: [String] = []
        strings.reserveCapacity(count)
        for _ in 0..<count { strings.append(try readString()) }
        return strings
    }

    /// A vInt count followed by that many key/value string pairs.
    public mutating func readStringMap() throws(SnapshotReaderError) -> [String: String] {
        let count = Int(try readVInt())
        guard count >= 0, count <= remaining else { throw SnapshotReaderError.corrupt(name, at: offset, "an impossible map size \(count)") }
        var map: [String: String] = [:]
        for _ in 0..<count {
            let key = try readString()
            map[key] = try readString()
        }
        return map
    }
}
