import Testing

@testable import SnapshotReader

/// The Lucene 9/10 chunk-header numbers, encoded here the way `Lucene90CompressingStoredFieldsWriter` lays them out
/// (interleaved 128-value groups in little-endian longs, then a little-endian tail); real Lucene 9.9 and 10.4 segments
/// exercise the same decoder in the reader tests.
@Suite struct StoredFieldsIntsTests {
    private static func encode(_ values: [Int], width: Int) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(width)]
        if width == 0 {
            var value = UInt32(values[0])
            while value >= 0x80 {
                bytes.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
            return bytes
        }
        let lanes = 64 / width
        let longs = 128 / lanes
        var done = 0
        while values.count - done >= 128 {
            for long in 0..<longs {
                var bits: UInt64 = 0
                for lane in 0..<lanes { bits |= UInt64(values[done + lane * longs + long]) << UInt64(64 - width * (lane + 1)) }
                for byte in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(8 * byte))) }
            }
            done += 128
        }
        for value in values[done...] {
            for byte in 0..<(width / 8) { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * byte))) }
        }
        return bytes
    }

    private static func decode(_ bytes: [UInt8], count: Int) throws -> (values: [Int], consumed: Int) {
        try bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw, name: "_0.fdt")
            var values = [Int](repeating: -1, count: count)
            try values.withUnsafeMutableBufferPointer { buffer in
                try StoredFieldsInts.read(&reader, count: count, into: buffer.baseAddress!)
            }
            return (values, reader.offset)
        }
    }

    @Test("decodes every width, across group boundaries", arguments: [8, 16, 32], [1, 2, 127, 128, 129, 256, 300])
    func roundTrips(width: Int, count: Int) throws {
        let limit = width == 32 ? 1 << 31 : 1 << width
        var generator = SystemRandomNumberGenerator()
        let values = (0..<count).map { _ in Int.random(in: 0..<limit, using: &generator) }
        let bytes = Self.encode(values, width: width)
        let decoded = try Self.decode(bytes, count: count)
        #expect(decoded.values == values)
        #expect(decoded.consumed == bytes.count)
    }

    @Test("a shared value fills every document")
    func sharedValue() throws {
        let decoded = try Self.decode(Self.encode([300], width: 0), count: 200)
        #expect(decoded.values == [Int](repeating: 300, count: 200))
    }

    @Test("an impossible width or a short group is one error naming the file")
    func badInput() throws {
        #expect(throws: SnapshotReaderError.corrupt("_0.fdt", at: 0, "12 bits per value in a chunk header")) {
            try Self.decode([12, 0, 0], count: 2)
        }
        let short = Array(Self.encode([Int](repeating: 7, count: 127) + [9], width: 8).dropLast(3))
        #expect(throws: SnapshotReaderError.self) { try Self.decode(short, count: 128) }
    }
}
