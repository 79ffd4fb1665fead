/// Reads which documents a segment soft-deleted: those with a value in the soft-deletes doc-values field
/// (Elasticsearch's `__soft_deletes`, set on stale versions and delete tombstones).
enum SoftDeletes {
    /// Clears the soft-deleted documents of one segment in `live`.
    static func apply(
        to live: inout LiveDocs, field: FieldInfo, fieldInfos: FieldInfos, info: SegmentInfo, segmentDirectory: some LuceneDirectory,
        outer: some LuceneDirectory
    ) throws(SnapshotReaderError) {
        guard let format = field.attributes["PerFieldDocValuesFormat.format"],
            let formatSuffix = field.attributes["PerFieldDocValuesFormat.suffix"]
        else {
            throw SnapshotReaderError.unsupported(
                "\(info.name).fnm", "soft deletes in field \(field.name) without a per-field doc-values format")
        }
        var suffix = "\(format)_\(formatSuffix)"
        if field.docValuesGeneration != -1 { suffix = CodecUtil.base36(field.docValuesGeneration) + "_" + suffix }
        let directory: any LuceneDirectory = field.docValuesGeneration == -1 ? segmentDirectory : outer
        let layout: DocValuesMetadata.Layout
        switch format {
        case "Lucene80": layout = .lucene80
        case "Lucene90": layout = .lucene90
        default:
            throw SnapshotReaderError.unsupported("\(info.name)_\(suffix).dvm", "doc-values format \(format) for soft deletes")
        }
        let metaFile = try directory.open("\(info.name)_\(suffix).dvm")
        let entry = try DocValuesMetadata.findNumeric(
            metaFile, layout: layout, field: field, fieldInfos: fieldInfos, id: info.id, suffix: suffix)
        switch entry.docsWithFieldOffset {
        case -2: return  // no document has a value
        case -1:
            for doc in 0..<live.maxDoc { live.delete(doc) }
            return
        default: break
        }
        let dataFile = try directory.open("\(info.name)_\(suffix).dvd")
        try dataFile.withBytes { (bytes) throws(SnapshotReaderError) in
            var reader = ByteReader(bytes, name: dataFile.name)
            _ = try CodecUtil.readIndexHeader(&reader, codecs: [layout.dataCodec], versions: layout.versions, id: info.id, suffix: suffix)
            try CodecUtil.checkFooter(bytes, name: dataFile.name, verifyChecksum: false)
            let power = entry.denseRankPower
            let rankBytes = (7...15).contains(power) ? 1024 >> (power - 7) : 0
            guard entry.docsWithFieldLength <= Int64(Int.max), entry.docsWithFieldOffset <= Int64(Int.max) else {
                throw SnapshotReaderError.corrupt(metaFile.name, at: 0, "an impossible document set range")
            }
            try IndexedDISI.forEachDocument(
                bytes, name: dataFile.name, offset: Int(entry.docsWithFieldOffset), length: Int(entry.docsWithFieldLength),
                bigEndian: layout.bigEndian, rankBytes: rankBytes, maxDoc: live.maxDoc
            ) { doc in live.delete(doc) }
        }
    }
}
