/// Reads the newest commit of a Lucene index (Lucene 6 to 10, as Elasticsearch 5.6 to 9.x and OpenSearch 1.x to 3.x
/// write them) and hands every live document's stored fields to a visitor.
///
/// Opening reads the small files of every segment (`.si`, `.fnm`, `.liv`, soft-deletes doc values) and checks their
/// checksums; stored fields are read only by `visitLiveDocuments`. Segments can be read concurrently by separate calls.
///
/// A segment's codec name is only a label (OpenSearch's k-NN and custom codecs, Elasticsearch's own codecs wrap
/// Lucene's formats under their names): each file's own header says which format it holds, and only a file in a
/// format this reader does not know is refused.
public struct LuceneIndexReader: Sendable {
    public let segments: [LuceneSegment]
    /// The commit file read (`segments_5`).
    public let commitFile: String
    private let verifyChecksums: Bool

    /// Opens the newest commit in `directory`.
    ///
    /// - Parameters:
    ///   - verifyChecksums: also verify the CRC32 of the large files (`.cfs`, `.fdt`), a full pass over each.
    public init(directory: some LuceneDirectory, verifyChecksums: Bool = false) throws(SnapshotReaderError) {
        let commit = try SegmentInfos.readNewest(in: directory)
        self.verifyChecksums = verifyChecksums
        commitFile = commit.fileName
        var segments: [LuceneSegment] = []
        for entry in commit.segments {
            segments.append(try Self.openSegment(entry, commit: commit, directory: directory, verifyChecksums: verifyChecksums))
        }
        self.segments = segments
    }

    public var liveDocumentCount: Int { segments.reduce(0) { $0 + $1.liveCount } }

    private static func openSegment(
        _ entry: SegmentInfos.Entry, commit: SegmentInfos, directory: some LuceneDirectory, verifyChecksums: Bool
    ) throws(SnapshotReaderError) -> LuceneSegment {
        let info = try SegmentInfo.read(in: directory, segment: entry.name, id: entry.id)
        let segmentDirectory: any LuceneDirectory =
            info.isCompound
            ? try CompoundDirectory(directory: directory, segment: entry.name, id: entry.id, verifyChecksum: verifyChecksums) : directory
        let fieldInfos = try FieldInfos.read(
            segmentDirectory: segmentDirectory, outer: directory, segment: entry.name, id: entry.id, generation: entry.fieldInfosGeneration)
        guard entry.deleteCount + entry.softDeleteCount <= info.maxDoc else {
            throw SnapshotReaderError.corrupt(
                commit.fileName, at: 0,
                "segment \(entry.name) deletes \(entry.deleteCount + entry.softDeleteCount) of \(info.maxDoc) documents")
        }
        var live: LiveDocs?
        if entry.deletesGeneration != -1 {
            live = try LiveDocs.read(
                in: directory, segment: entry.name, id: entry.id, generation: entry.deletesGeneration, maxDoc: info.maxDoc,
                deleteCount: entry.deleteCount)
        }
        if entry.softDeleteCount > 0 {
            guard let field = fieldInfos.softDeletesField else {
                throw SnapshotReaderError.corrupt(
                    commit.fileName, at: 0, "segment \(entry.name) has \(entry.softDeleteCount) soft deletes but no soft-deletes field")
            }
            var combined = live ?? LiveDocs(allLive: info.maxDoc)
            try SoftDeletes.apply(
                to: &combined, field: field, fieldInfos: fieldInfos, info: info, segmentDirectory: segmentDirectory, outer: directory)
            let deleted = info.maxDoc - combined.liveCount
            guard deleted == entry.deleteCount + entry.softDeleteCount else {
                throw SnapshotReaderError.corrupt(
                    commit.fileName, at: 0,
                    "segment \(entry.name) should have \(entry.deleteCount) hard and \(entry.softDeleteCount) soft deletes, but its files delete \(deleted) documents"
                )
            }
            live = combined
        }
        return LuceneSegment(
            name: entry.name, maxDoc: info.maxDoc, deletedCount: live.map { info.maxDoc - $0.liveCount } ?? 0, codec: entry.codec,
            info: info,
            fieldInfos: fieldInfos, liveDocs: live, directory: segmentDirectory)
    }

    /// Visits every live document of one segment in doc-id order, decompressing each stored-fields chunk once.
    ///
    /// - Parameters:
    ///   - segment: an index into `segments`.
    ///   - visitor: receives each document's fields; its errors stop the read and are rethrown.
    public func visitLiveDocuments<V: StoredFieldVisitor>(segment: Int, visitor: inout V) throws {
        guard segments.indices.contains(segment) else {
            throw SnapshotReaderError.invalidInput("There is no segment \(segment); the commit has \(segments.count).")
        }
        try visitLiveDocuments(Share(segment: segment, chunks: 0..<segments[segment].maxDoc), visitor: &visitor)
    }

    /// A part of one segment that a thread reads on its own: the stored-fields chunks that start in `chunks`.
    public struct Share: Sendable, Equatable {
        public var segment: Int
        /// Doc ids; a chunk belongs to the share its first document falls in.
        public var chunks: Range<Int>
    }

    /// The segments cut into shares for `threads` readers: whole segments, except that a segment of more than
    /// `minimumShare` documents is cut into up to `threads` equal doc-id ranges, so that a force-merged index is not
    /// read by one thread. Segments without live documents are left out.
    public func shares(threads: Int, minimumShare: Int = 10_000) -> [Share] {
        segments.indices.flatMap { segment -> [Share] in
            let maxDoc = segments[segment].maxDoc
            guard maxDoc > 0, segments[segment].liveCount > 0 else { return [] }
            let count = Swift.max(1, Swift.min(threads, maxDoc / Swift.max(1, minimumShare)))
            return (0..<count).map { part in Share(segment: segment, chunks: (maxDoc * part / count)..<(maxDoc * (part + 1) / count)) }
        }
    }

    /// Part `part` of `parts` of the whole index: in every segment with live documents, the doc ids from
    /// `maxDoc * part / parts` up to the next part's start. The parts of an index read every chunk once.
    public func shares(part: Int, of parts: Int) -> [Share] {
        segments.indices.compactMap { segment -> Share? in
            let maxDoc = segments[segment].maxDoc
            guard maxDoc > 0, segments[segment].liveCount > 0 else { return nil }
            let range = (maxDoc * part / parts)..<(maxDoc * (part + 1) / parts)
            return range.isEmpty ? nil : Share(segment: segment, chunks: range)
        }
    }

    /// Visits the live documents of one share in doc-id order; the chunks before it are skipped, not decompressed.
    public func visitLiveDocuments<V: StoredFieldVisitor>(_ share: Share, visitor: inout V) throws {
        let entry = segments[share.segment]
        if entry.maxDoc == 0 || entry.liveCount == 0 { return }
        // The full pass over .fdt that verifying costs is done by the share that starts the segment only.
        let reader = try StoredFieldsReader.open(
            in: entry.directory, info: entry.info, verifyChecksum: verifyChecksums && share.chunks.lowerBound == 0)
        try reader.visit(
            live: entry.liveDocs, segment: share.segment, fieldInfos: entry.fieldInfos, chunks: share.chunks, visitor: &visitor)
    }
}
