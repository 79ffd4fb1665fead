/// One document on its way between clusters. The source stays the bytes that were read: never decoded and re-encoded
/// unless a transform asks for it.
public struct Document: Sendable, Equatable {
    /// What a write does with the document.
    public enum Operation: Sendable, Hashable {
        /// Create or replace it with `source`.
        case index
        /// Remove it (its `source` is empty and not sent); replay and repair write deletions too.
        case delete
        /// Create it with `source` unless the target holds a document with its `_id`: how a data stream takes writes
        /// (append-only, without external versions). One already there counts as already written.
        case create
    }

    public var index: String
    public var id: String
    /// The mapping type of Elasticsearch 5.x/6.x indices (`_doc`, or a custom name); nil for typeless indices.
    public var type: String?
    public var routing: String?
    /// `_seq_no` where the source exposes it (Elasticsearch 6+), for external versioning.
    public var seqNo: Int64?
    public var primaryTerm: Int64?
    public var version: Int64?
    /// `_source` as JSON bytes.
    public var source: [UInt8]
    public var operation: Operation

    public init(
        index: String, id: String, type: String? = nil, routing: String? = nil, seqNo: Int64? = nil, primaryTerm: Int64? = nil,
        version: Int64? = nil, source: [UInt8], operation: Operation = .index
    ) {
        self.index = index
        self.id = id
        self.type = type
        self.routing = routing
        self.seqNo = seqNo
        self.primaryTerm = primaryTerm
        self.version = version
        self.source = source
        self.operation = operation
    }
}
