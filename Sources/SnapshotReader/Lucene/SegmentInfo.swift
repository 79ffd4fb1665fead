/// A segment's own description, from its `.si` file: document count, compound or not, and the attributes that
/// choose formats (the stored-fields mode).
public struct SegmentInfo: Sendable {
    public let name: String
    public let id: LuceneID
    /// The Lucene version that wrote the segment.
    public let version: LuceneVersion
    public let maxDoc: Int
    public let isCompound: Bool
    public let diagnostics: [String: String]
    public let files: [String]
    public let attributes: [String: String]
    /// The `.si` codec (`Lucene70SegmentInfo`); fixed-width numbers after its header are little-endian from Lucene 9.
    public let codec: String

    /// Lucene 9.0 to 10.x all name their `.si` files `Lucene90SegmentInfo`.
    static let codecs = [
        "Lucene50SegmentInfo", "Lucene62SegmentInfo", "Lucene70SegmentInfo", "Lucene86SegmentInfo", "Lucene90SegmentInfo",
    ]

    /// Reads and checksums `<segment>.si`.
    static func read(in directory: some LuceneDirectory, segment: String, id: LuceneID) throws(SnapshotReaderError) -> SegmentInfo {
        let file = try directory.open(segment + ".si")
        return try CodecUtil.withVerifiedFile(file, verifyChecksum: true) { (reader) throws(SnapshotReaderError) -> SegmentInfo in
            let header = try CodecUtil.readIndexHeader(&reader, codecs: codecs, versions: 0...1, id: id, suffix: "")
            let bigEndian = !header.codec.hasPrefix("Lucene9")
            let version = LuceneVersion(
                Int(try reader.readInt32(bigEndian: bigEndian)), Int(try reader.readInt32(bigEndian: bigEndian)),
                Int(try reader.readInt32(bigEndian: bigEndian)))
            if header.codec != "Lucene50SegmentInfo" && header.codec != "Lucene62SegmentInfo" {
                let flagOffset = reader.offset
                switch try reader.readByte() {
                case 0: break
                case 1: for _ in 0..<3 { _ = try reader.readInt32(bigEndian: bigEndian) }  // oldest contributing version
                case let flag: throw SnapshotReaderError.corrupt(file.name, at: flagOffset, "an invalid min-version flag \(flag)")
                }
            }
            let countOffset = reader.offset
            let maxDoc = Int(try reader.readInt32(bigEndian: bigEndian))
            guard maxDoc >= 0 else { throw SnapshotReaderError.corrupt(file.name, at: countOffset, "a negative document count \(maxDoc)") }
            let isCompound = try reader.readByte() == 1
            // Lucene 9.9's segment-info format added a "has parent/child blocks" flag under the same codec name; only the
            // writing version tells the two apart (9.9+ cannot write the older format).
            if header.codec == "Lucene90SegmentInfo" && version >= LuceneVersion(9, 9, 0) { _ = try reader.readByte() }
            let legacyMaps = header.codec == "Lucene50SegmentInfo" && header.version == 0
            let diagnostics = legacyMaps ? try readLegacyMap(&reader) : try reader.readMapOfStrings()
            let files = legacyMaps ? try readLegacySet(&reader) : try reader.readSetOfStrings()
            let attributes = legacyMaps ? try readLegacyMap(&reader) : try reader.readMapOfStrings()
            return SegmentInfo(
                name: segment, id: id, version: version, maxDoc: maxDoc, isCompound: isCompound, diagnostics: diagnostics,
                files: files, attributes: attributes, codec: header.codec)
        }
    }

    /// Lucene 5.0's maps and sets: a 4-byte count instead of a vInt.
    private static func readLegacyMap(_ reader: inout ByteReader) throws(SnapshotReaderError) -> [String: String] {
        let count = Int(try reader.readBEInt32())
        guard count >= 0, count <= reader.remaining / 2 else {
            throw SnapshotReaderError.corrupt(reader.name, at: reader.offset, "an impossible map size \(count)")
        }
        var map: [String: String] = [:]
        for _ in 0..<count {
            let key = try reader.readString()
            map[key] = try reader.readString()
        }
        return map
    }

    private static func readLegacySet(_ reader: inout ByteReader) throws(SnapshotReaderError) -> [String] {
        let count = Int(try reader.readBEInt32())
        guard count >= 0, count <= reader.remaining else {
            throw SnapshotReaderError.corrupt(reader.name, at: reader.offset, "an impossible set size \(count)")
        }
        var set: [String] = []
        for _ in 0..<count { set.append(try reader.readString()) }
        return set
    }
}
