/// Walks a doc-values metadata file (`.dvm`) to one numeric field's entry. Entries of every type come one after
/// the other with no index, so the ones before the wanted field must be parsed to be skipped.
enum DocValuesMetadata {
    /// The doc-values formats this walk knows.
    enum Layout {
        /// Lucene80DocValuesFormat (Lucene 8.x, Elasticsearch 7.x, OpenSearch 1.x), big-endian.
        case lucene80
        /// Lucene90DocValuesFormat (Lucene 9.x and 10.x), little-endian; version 1+ (Lucene 10) may put a skip
        /// index's metadata before a field's entry, version 2 adds a count to it.
        case lucene90

        var metaCodec: String { self == .lucene80 ? "Lucene80DocValuesMetadata" : "Lucene90DocValuesMetadata" }
        var dataCodec: String { self == .lucene80 ? "Lucene80DocValuesData" : "Lucene90DocValuesData" }
        var versions: ClosedRange<Int> { 0...2 }
        var bigEndian: Bool { self == .lucene80 }
    }

    /// Where a numeric field's document set is in the `.dvd` file.
    struct NumericEntry {
        /// -2: no document has a value; -1: every document has one; else the offset of an IndexedDISI set.
        var docsWithFieldOffset: Int64
        var docsWithFieldLength: Int64
        var denseRankPower: Int
    }

    static func findNumeric(
        _ file: LuceneFile, layout: Layout, field: FieldInfo, fieldInfos: FieldInfos, id: LuceneID, suffix: String
    ) throws(SnapshotReaderError) -> NumericEntry {
        try CodecUtil.withVerifiedFile(file, verifyChecksum: true) { (reader) throws(SnapshotReaderError) -> NumericEntry in
            let header = try CodecUtil.readIndexHeader(
                &reader, codecs: [layout.metaCodec], versions: layout.versions, id: id, suffix: suffix)
            if layout == .lucene90 {
                return try findNumeric90(&reader, version: header.version, field: field, fieldInfos: fieldInfos, file: file)
            }
            while true {
                let entryOffset = reader.offset
                let number = Int(try reader.readBEInt32())
                if number == -1 { break }
                guard let info = fieldInfos.field(number: number) else {
                    throw SnapshotReaderError.corrupt(file.name, at: entryOffset, "an entry for unknown field number \(number)")
                }
                let type = try reader.readByte()
                switch type {
                case 0:
                    let numeric = try readNumeric(&reader)
                    if number == field.number { return numeric.entry }
                case 1:
                    let compressed: Bool
                    if header.version >= 2 {
                        compressed = info.attributes["Lucene80DocValuesFormat.mode"] == "BEST_COMPRESSION"
                    } else {
                        compressed = header.version >= 1
                    }
                    try skipBinary(&reader, compressed: compressed)
                case 2: try skipSorted(&reader)
                case 3:
                    let typeOffset = reader.offset
                    switch try reader.readByte() {
                    case 0: try skipSorted(&reader)
                    case 1:
                        try reader.skip(8 + 8 + 2 + 1 + 1 + 8 + 8)
                        let documents = Int64(try reader.readBEInt32())
                        try reader.skip(8)
                        let shift = Int(try reader.readVInt())
                        try skipMonotonic(&reader, count: documents + 1, blockShift: shift)
                        try reader.skip(8)
                        try skipTermsDictionary(&reader)
                    case let flag: throw SnapshotReaderError.corrupt(file.name, at: typeOffset, "an invalid multi-valued flag \(flag)")
                    }
                case 4:
                    let numeric = try readNumeric(&reader)
                    let documents = Int64(try reader.readBEInt32())
                    if documents != numeric.numValues {
                        try reader.skip(8)
                        let shift = Int(try reader.readVInt())
                        try skipMonotonic(&reader, count: documents + 1, blockShift: shift)
                        try reader.skip(8)
                    }
                default:
                    throw SnapshotReaderError.corrupt(file.name, at: entryOffset + 4, "an invalid doc-values type \(type)")
                }
            }
            throw SnapshotReaderError.corrupt(file.name, at: reader.offset, "no doc values for the soft-deletes field \(field.name)")
        }
    }

    /// The Lucene 9/10 walk: the same entry kinds as Lucene 8 without compressed binaries, little-endian, and LZ4
    /// term-dictionary blocks always.
    private static func findNumeric90(
        _ reader: inout ByteReader, version: Int, field: FieldInfo, fieldInfos: FieldInfos, file: LuceneFile
    ) throws(SnapshotReaderError) -> NumericEntry {
        while true {
            let entryOffset = reader.offset
            let number = Int(try reader.readLEInt32())
            if number == -1 { break }
            guard let info = fieldInfos.field(number: number) else {
                throw SnapshotReaderError.corrupt(file.name, at: entryOffset, "an entry for unknown field number \(number)")
            }
            let type = try reader.readByte()
            if info.hasDocValuesSkipIndex {
                // offset, length, max and min value; doc count and max doc id; the max value count from version 2.
                try reader.skip(8 * 4 + 4 + 4 + (version >= 2 ? 4 : 0))
            }
            switch type {
            case 0:
                let numeric = try readNumeric(&reader, bigEndian: false)
                if number == field.number { return numeric.entry }
            case 1:
                try reader.skip(8 + 8 + 8 + 8 + 2 + 1)
                let documents = Int64(try reader.readLEInt32())
                let minLength = try reader.readLEInt32()
                let maxLength = try reader.readLEInt32()
                if minLength < maxLength {
                    try reader.skip(8)
                    let shift = Int(try reader.readVInt())
                    try skipMonotonic(&reader, count: documents + 1, blockShift: shift)
                    try reader.skip(8)
                }
            case 2:
                _ = try readNumeric(&reader, bigEndian: false)
                try skipTermsDictionary90(&reader)
            case 3:
                let typeOffset = reader.offset
                switch try reader.readByte() {
                case 0:
                    _ = try readNumeric(&reader, bigEndian: false)
                    try skipTermsDictionary90(&reader)
                case 1:
                    try skipSortedNumeric90(&reader)
                    try skipTermsDictionary90(&reader)
                case let flag: throw SnapshotReaderError.corrupt(file.name, at: typeOffset, "an invalid multi-valued flag \(flag)")
                }
            case 4:
                try skipSortedNumeric90(&reader)
            default:
                throw SnapshotReaderError.corrupt(file.name, at: entryOffset + 4, "an invalid doc-values type \(type)")
            }
        }
        throw SnapshotReaderError.corrupt(file.name, at: reader.offset, "no doc values for the soft-deletes field \(field.name)")
    }

    private static func skipSortedNumeric90(_ reader: inout ByteReader) throws(SnapshotReaderError) {
        let numeric = try readNumeric(&reader, bigEndian: false)
        let documents = Int64(try reader.readLEInt32())
        if documents != numeric.numValues {
            try reader.skip(8)
            let shift = Int(try reader.readVInt())
            try skipMonotonic(&reader, count: documents + 1, blockShift: shift)
            try reader.skip(8)
        }
    }

    private static func skipTermsDictionary90(_ reader: inout ByteReader) throws(SnapshotReaderError) {
        let size = try reader.readVLong()
        let blockShift = Int(try reader.readLEInt32())
        guard size >= 0 else { throw SnapshotReaderError.corrupt(reader.name, at: reader.offset, "an invalid terms dictionary") }
        // Blocks of 64 terms, LZ4-compressed, in every Lucene 9/10 version.
        try skipMonotonic(&reader, count: (size + 63) >> 6, blockShift: blockShift)
        try reader.skip(4 + 4 + 8 * 4)  // max term length, max block length, data and address ranges
        let indexShift = Int(try reader.readLEInt32())
        guard (0...31).contains(indexShift) else {
            throw SnapshotReaderError.corrupt(reader.name, at: reader.offset, "an invalid terms index shift \(indexShift)")
        }
        try skipMonotonic(&reader, count: 1 + ((size + (1 << indexShift) - 1) >> indexShift), blockShift: blockShift)
        try reader.skip(8 * 4)
    }

    private struct Numeric {
        var entry: NumericEntry
        var numValues: Int64
    }

    private static func readNumeric(_ reader: inout ByteReader, bigEndian: Bool = true) throws(SnapshotReaderError) -> Numeric {
        let docsOffset = try reader.readInt64(bigEndian: bigEndian)
        let docsLength = try reader.readInt64(bigEndian: bigEndian)
        _ = try reader.readInt16(bigEndian: bigEndian)  // jump table entries
        let power = Int(Int8(bitPattern: try reader.readByte()))
        let numValues = try reader.readInt64(bigEndian: bigEndian)
        let tableOffset = reader.offset
        let tableSize = Int(try reader.readInt32(bigEndian: bigEndian))
        guard tableSize <= 256 else {
            throw SnapshotReaderError.corrupt(reader.name, at: tableOffset, "an invalid table size \(tableSize)")
        }
        if tableSize > 0 { try reader.skip(tableSize * 8) }
        // bitsPerValue, minValue, gcd, valuesOffset, valuesLength, valueJumpTableOffset
        try reader.skip(1 + 8 * 5)
        return Numeric(
            entry: NumericEntry(docsWithFieldOffset: docsOffset, docsWithFieldLength: docsLength, denseRankPower: power),
            numValues: numValues)
    }

    private static func skipBinary(_ reader: inout ByteReader, compressed: Bool) throws(SnapshotReaderError) {
        try reader.skip(8 + 8 + 8 + 8 + 2 + 1)
        let documents = Int64(try reader.readBEInt32())
        let minLength = try reader.readBEInt32()
        let maxLength = try reader.readBEInt32()
        if (compressed && documents > 0) || minLength < maxLength {
            try reader.skip(8)
            var addresses = documents + 1
            if compressed {
                addresses = Int64(try reader.readVInt())  // compressed chunks
                _ = try reader.readVInt()  // docs per chunk shift
                _ = try reader.readVInt()  // max chunk size
            }
            let shift = Int(try reader.readVInt())
            try skipMonotonic(&reader, count: addresses, blockShift: shift)
            try reader.skip(8)
        }
    }

    private static func skipSorted(_ reader: inout ByteReader) throws(SnapshotReaderError) {
        try reader.skip(8 + 8 + 2 + 1 + 4 + 1 + 8 + 8)
        try skipTermsDictionary(&reader)
    }

    private static func skipTermsDictionary(_ reader: inout ByteReader) throws(SnapshotReaderError) {
        let size = try reader.readVLong()
        let blockCode = Int(try reader.readBEInt32())
        // Lucene 8.9+ marks LZ4-compressed term blocks with a code holding the shift in its high half.
        let lz4 = blockCode == (6 << 16 | 1)
        let blockShift = lz4 ? 6 : blockCode
        let monotonicShift = Int(try reader.readBEInt32())
        guard size >= 0, (0...31).contains(blockShift) else {
            throw SnapshotReaderError.corrupt(reader.name, at: reader.offset, "an invalid terms dictionary")
        }
        try skipMonotonic(&reader, count: (size + (1 << blockShift) - 1) >> blockShift, blockShift: monotonicShift)
        _ = try reader.readBEInt32()  // max term length
        if lz4 { _ = try reader.readBEInt32() }  // max block length
        try reader.skip(8 * 4)
        let indexShift = Int(try reader.readBEInt32())
        guard (0...31).contains(indexShift) else {
            throw SnapshotReaderError.corrupt(reader.name, at: reader.offset, "an invalid terms index shift \(indexShift)")
        }
        try skipMonotonic(&reader, count: 1 + ((size + (1 << indexShift) - 1) >> indexShift), blockShift: monotonicShift)
        try reader.skip(8 * 4)
    }

    /// DirectMonotonicReader metadata: per block of `2^blockShift` values a min, an average, an offset and a width.
    private static func skipMonotonic(_ reader: inout ByteReader, count: Int64, blockShift: Int) throws(SnapshotReaderError) {
        guard count >= 0, (2...30).contains(blockShift) else {
            throw SnapshotReaderError.corrupt(reader.name, at: reader.offset, "invalid monotonic block metadata")
        }
        let blocks = (count + (1 << blockShift) - 1) >> blockShift
        guard blocks <= Int64(reader.remaining / 21) else {
            throw SnapshotReaderError.truncated(reader.name, at: reader.offset, needed: Int(min(blocks, Int64(Int32.max))) * 21)
        }
        try reader.skip(Int(blocks) * 21)
    }
}
