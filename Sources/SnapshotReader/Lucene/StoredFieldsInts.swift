/// The per-document numbers of a Lucene 9/10 stored-fields chunk header (`StoredFieldsInts`): a width byte, then either
/// one shared vInt (width 0) or the values at 8, 16 or 32 bits. Full groups of 128 values are interleaved across
/// little-endian longs (value `i` of a group in the highest lanes of long `i % lanesPerLong`); the rest follow one by
/// one, little-endian.
enum StoredFieldsInts {
    private static let groupSize = 128

    /// Decodes `count` values into `values[0..<count]` and advances `reader` past them.
    static func read(_ reader: inout ByteReader, count: Int, into values: UnsafeMutablePointer<Int>) throws(SnapshotReaderError) {
        let widthOffset = reader.offset
        let width = Int(try reader.readByte())
        switch width {
        case 0:
            let shared = Int(UInt32(bitPattern: try reader.readVInt()))
            for index in 0..<count { values[index] = shared }
            return
        case 8, 16, 32: break
        default:
            throw SnapshotReaderError.corrupt(reader.name, at: widthOffset, "\(width) bits per value in a chunk header")
        }
        let lanes = 64 / width  // values per long
        let longsPerGroup = groupSize / lanes
        let mask: UInt64 = width == 32 ? 0xFFFF_FFFF : (1 << UInt64(width)) - 1
        var done = 0
        while count - done >= groupSize {
            let group = try reader.readBytes(longsPerGroup * 8)
            for long in 0..<longsPerGroup {
                let bits = UInt64(littleEndian: group.loadUnaligned(fromByteOffset: long * 8, as: UInt64.self))
                for lane in 0..<lanes {
                    let shift = UInt64(64 - width * (lane + 1))
                    values[done + lane * longsPerGroup + long] = Int((bits >> shift) & mask)
                }
            }
            done += groupSize
        }
        let bytes = width / 8
        while done < count {
            values[done] = Int(try reader.readLEUInt(bytes))
            done += 1
        }
    }
}
