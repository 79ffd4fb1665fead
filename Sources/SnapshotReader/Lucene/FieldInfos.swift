/// The fields of a segment, by number, from `_N.fnm` or its update `_N_<gen>.fnm`.
public struct FieldInfos: Sendable {
    /// Indexed by field number; nil where a number is unused.
    private let byNumber: [FieldInfo?]
    /// In `.fnm` order.
    public let all: [FieldInfo]

    init(_ fields: [FieldInfo]) {
        all = fields
        var table = [FieldInfo?](repeating: nil, count: (fields.map(\.number).max() ?? -1) + 1)
        for field in fields { table[field.number] = field }
        byNumber = table
    }

    /// The field a stored value names by number, or nil.
    @inline(__always)
    public func field(number: Int) -> FieldInfo? {
        number >= 0 && number < byNumber.count ? byNumber[number] : nil
    }

    /// The field called `name`, or nil.
    public func field(named name: String) -> FieldInfo? {
        all.first { $0.name == name }
    }

    /// The soft-deletes field, if the segment has one.
    public var softDeletesField: FieldInfo? { all.first { $0.isSoftDeletesField } }

    static let codecs = ["Lucene60FieldInfos", "Lucene90FieldInfos", "Lucene94FieldInfos"]

    /// Reads and checksums the current field infos of a segment.
    ///
    /// - Parameters:
    ///   - segmentDirectory: where the segment's own files are (the compound file for compound segments).
    ///   - outer: where generation updates are (never inside the compound file).
    static func read(
        segmentDirectory: some LuceneDirectory, outer: some LuceneDirectory, segment: String, id: LuceneID, generation: Int64
    ) throws(SnapshotReaderError) -> FieldInfos {
        let suffix = generation == -1 ? "" : CodecUtil.base36(generation)
        let file = generation == -1 ? try segmentDirectory.open(segment + ".fnm") : try outer.open("\(segment)_\(suffix).fnm")
        return try CodecUtil.withVerifiedFile(file, verifyChecksum: true) { (reader) throws(SnapshotReaderError) -> FieldInfos in
            let header = try CodecUtil.readIndexHeader(&reader, codecs: codecs, versions: 0...10, id: id, suffix: suffix)
            let lucene9 = header.codec != "Lucene60FieldInfos"
            // Lucene94FieldInfos: 0 (9.4), 1 (9.10, parent field flag), 2 (10.0, doc-values skip index).
            guard header.version <= 2 else {
                throw SnapshotReaderError.unsupported(file.name, "\(header.codec) format version \(header.version)")
            }
            let count = try reader.readCount("field count", perItem: 8)
            var fields: [FieldInfo] = []
            fields.reserveCapacity(count)
            var seen = Set<Int>()
            for _ in 0..<count {
                let name = try reader.readString()
                let numberOffset = reader.offset
                let number = Int(try reader.readVInt())
                guard number >= 0, number < 1 << 20, seen.insert(number).inserted else {
                    throw SnapshotReaderError.corrupt(file.name, at: numberOffset, "an invalid field number \(number) for field \(name)")
                }
                let bits = try reader.readByte()
                _ = try reader.readByte()  // index options
                let typeOffset = reader.offset
                guard let docValuesType = FieldInfo.DocValuesType(rawValue: try reader.readByte()) else {
                    throw SnapshotReaderError.corrupt(file.name, at: typeOffset, "an invalid doc-values type for field \(name)")
                }
                var hasSkipIndex = false
                if lucene9 && header.version >= 2 {
                    let skipOffset = reader.offset
                    switch try reader.readByte() {
                    case 0: break
                    case 1: hasSkipIndex = true  // RANGE
                    case let kind:
                        throw SnapshotReaderError.corrupt(
                            file.name, at: skipOffset, "an invalid doc-values skip index type \(kind) for field \(name)")
                    }
                }
                let docValuesGeneration = try reader.readInt64(bigEndian: !lucene9)
                let attributes = try reader.readMapOfStrings()
                let dimensions = try reader.readVInt()
                if dimensions != 0 {
                    if lucene9 || header.version >= 2 { _ = try reader.readVInt() }  // index dimensions
                    _ = try reader.readVInt()  // bytes per dimension
                }
                if lucene9 {
                    _ = try reader.readVInt()  // vector dimension
                    if header.codec == "Lucene94FieldInfos" { _ = try reader.readByte() }  // vector encoding
                    _ = try reader.readByte()  // vector similarity
                }
                fields.append(
                    FieldInfo(
                        name: name, number: number, isSoftDeletesField: bits & 0x08 != 0, docValuesType: docValuesType,
                        docValuesGeneration: docValuesGeneration, attributes: attributes, hasDocValuesSkipIndex: hasSkipIndex))
            }
            return FieldInfos(fields)
        }
    }
}
