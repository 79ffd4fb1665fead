/// Lucene's `PackedInts` PACKED format as stored-fields chunk headers use it: `count` values of `bitsPerValue` bits,
/// most significant bit first, with no header.
enum PackedInts {
    /// Decodes `count` values into `values[0..<count]` and advances `reader` past them.
    ///
    /// - Parameters:
    ///   - packedIntsVersion: 0 pads the data to whole longs (Lucene 4.0's layout); later versions to whole bytes.
    static func read(
        _ reader: inout ByteReader, count: Int, bitsPerValue: Int, packedIntsVersion: Int, into values: UnsafeMutablePointer<Int>
    ) throws(SnapshotReaderError) {
        let bits = count * bitsPerValue
        let byteCount = packedIntsVersion == 0 ? ((bits + 63) / 64) * 8 : (bits + 7) / 8
        let start = reader.offset
        let bytes = try reader.readBytes(byteCount)
        guard let base = bytes.baseAddress else {
            if count > 0 { throw SnapshotReaderError.truncated(reader.name, at: start, needed: byteCount) }
            return
        }
        let mask: UInt64 = (1 << UInt64(bitsPerValue)) - 1
        var accumulator: UInt64 = 0
        var available = 0
        var next = 0
        for index in 0..<count {
            while available < bitsPerValue {
                accumulator = accumulator << 8 | UInt64(base.load(fromByteOffset: next, as: UInt8.self))
                next += 1
                available += 8
            }
            available -= bitsPerValue
            values[index] = Int((accumulator >> UInt64(available)) & mask)
            // Keep only the unread low bits so the accumulator never overflows.
            accumulator &= (1 << UInt64(available)) - 1
        }
    }
}
