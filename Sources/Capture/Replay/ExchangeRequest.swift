/// What a logged request asks of the cluster, as far as replay is concerned: found from its method and path alone by
/// ``ExchangeParser``.
enum ExchangeRequest: Sendable, Equatable {
    /// A write of one document.
    struct DocumentWrite: Sendable, Equatable {
        enum Operation: Sendable, Equatable {
            case index
            case create
            case update
            case delete
        }

        var operation: Operation
        /// The index (or alias) in the path.
        var index: String
        /// A mapping type named in a 6.x typed path; nil for `_doc`, `_create` and `_update` paths.
        var type: String?
        /// Nil when the cluster generates it (`POST /{index}/_doc`).
        var id: String?
        var routing: String?
        /// An ingest pipeline: the stored document is its output, not the request body.
        var pipeline: String?
    }

    /// `_bulk`, with the defaults its path and query give to the items.
    struct Bulk: Sendable, Equatable {
        var index: String?
        var type: String?
        var routing: String?
        var pipeline: String?
    }

    case document(DocumentWrite)
    case bulk(Bulk)
    /// `_update_by_query` or `_delete_by_query` over these indices (or patterns).
    case byQuery(indices: [String], deletes: Bool)
    /// `_reindex`: writes to the destination its body names, document ids unknown to the log.
    case reindex
    /// `_rollover` of this alias or data stream: a new index the source named only in its answer.
    case rollover(alias: String)
    /// An index-level change worth replaying (the applier renames and adapts it): create or delete an index, mappings,
    /// settings, aliases, templates, pipelines, open and close.
    case admin
    /// Reads, searches, refreshes: nothing to replay.
    case readOnly
    /// A request this parser does not know: reported, never dropped.
    case unknown
}
