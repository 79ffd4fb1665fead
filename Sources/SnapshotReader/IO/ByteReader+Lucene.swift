/// Lucene encodings beyond the shared primitives: fixed-width ints in a chosen byte order, ids, capped counts.
extension ByteReader {
    /// A 4-byte int in Lucene's order for the file: big-endian up to Lucene 8, little-endian from Lucene 9.
    mutating func readInt32(bigEndian: Bool) throws(SnapshotReaderError) -> Int32 {
        bigEndian ? try readBEInt32() : try readLEInt32()
    }

    /// An 8-byte long in Lucene's order for the file.
    mutating func readInt64(bigEndian: Bool) throws(SnapshotReaderError) -> Int64 {
        bigEndian ? try readBEInt64() : try readLEInt64()
    }

    /// A 2-byte short in Lucene's order for the file.
    mutating func readInt16(bigEndian: Bool) throws(SnapshotReaderError) -> Int16 {
        bigEndian ? try readBEInt16() : try readLEInt16()
    }

    /// The 16 bytes of a segment or commit id.
    mutating func readID() throws(SnapshotReaderError) -> LuceneID {
        let high = UInt64(bitPattern: try readBEInt64())
        let low = UInt64(bitPattern: try readBEInt64())
        return LuceneID(high: high, low: low)
    }

    /// A vInt that must be a count or length: non-negative and, when `perItem` > 0, small enough that the items fit
    /// in the bytes left, so corrupt input fails here instead of in a huge allocation.
    mutating func readCount(_ what: String, perItem: Int = 1) throws(SnapshotReaderError) -> Int {
        let start = offset
        let value = Int(try readVInt())
        guard value >= 0, perItem <= 0 || value <= remaining / perItem else {
            throw SnapshotReaderError.corrupt(name, at: start, "an impossible \(what) \(value)")
        }
        return value
    }

    /// Lucene's `readMapOfStrings`: vInt count, then key/value strings.
    mutating func readMapOfStrings() throws(SnapshotReaderError) -> [String: String] {
        try readStringMap()
    }

    /// Lucene's `readSetOfStrings`: vInt count, then strings.
    mutating func readSetOfStrings() throws(SnapshotReaderError) -> [String] {
        try readStringSet()
    }
}
