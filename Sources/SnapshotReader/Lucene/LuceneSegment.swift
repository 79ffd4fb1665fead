/// One segment of a commit, with what reading its live documents needs.
public struct LuceneSegment: Sendable {
    /// `_0`, `_1a`, ...
    public let name: String
    /// Documents in the segment, live or not.
    public let maxDoc: Int
    /// Hard and soft deletes together.
    public let deletedCount: Int
    /// The segment's codec as the commit names it (`Lucene87`).
    public let codec: String
    public var liveCount: Int { maxDoc - deletedCount }
    /// The `.si` content: Lucene version, compound or not, attributes.
    public let info: SegmentInfo
    /// The fields, by number, as the stored fields refer to them.
    public let fieldInfos: FieldInfos
    /// Nil when every document is live.
    let liveDocs: LiveDocs?
    /// Where the segment's files are: the compound file, or the index directory.
    let directory: any LuceneDirectory
}
