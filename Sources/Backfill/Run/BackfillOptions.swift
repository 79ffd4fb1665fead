import SearchClient
import TernCore

/// How a backfill runs.
public struct BackfillOptions: Sendable {
    /// How writes are versioned on the target.
    public enum Versioning: String, Sendable, CaseIterable {
        /// External versions where the source supplies them (live clusters); plain writes otherwise.
        case auto
        /// `version_type=external` with the source's `_seq_no` (or `_version`): an older copy never overwrites a newer one.
        case external
        /// Plain index requests: the last write wins.
        case none
    }

    public var selection: IndexSelection
    /// A query object (JSON) that live sources filter by.
    public var query: [UInt8]?
    /// Stop after this many documents in total (a trial run; units are then not marked done).
    public var limit: Int?
    public var versioning: Versioning
    public var readMode: ReadMode
    /// Slices per index of a live source; nil = one per primary shard, at most 8.
    public var slices: Int?
    /// Units (slices, shards) copied at once.
    public var concurrency: Int
    /// Documents per page read from a live source.
    public var pageSize: Int
    /// Where documents the target rejects for good are written, with the reason.
    public var deadLetterPath: String
    /// Turn off refresh and replicas on the target indices during the load (restored afterwards, also after a crash).
    public var fastLoad: Bool
    /// Cut live indices into slices of about this many documents (a shared backfill's items); nil: `slices`' rule.
    public var itemDocuments: Int?
    /// Cut snapshot shards larger than this many bytes into parts (a shared backfill's items); nil: whole shards.
    public var itemBytes: Int?

    public init(
        selection: IndexSelection = IndexSelection(), query: [UInt8]? = nil, limit: Int? = nil, versioning: Versioning = .auto,
        readMode: ReadMode = .auto, slices: Int? = nil, concurrency: Int = 4, pageSize: Int = 1000,
        deadLetterPath: String = ".tern/dead-letter.ndjson", fastLoad: Bool = false
    ) {
        self.selection = selection
        self.query = query
        self.limit = limit
        self.versioning = versioning
        self.readMode = readMode
        self.slices = slices
        self.concurrency = concurrency
        self.pageSize = pageSize
        self.deadLetterPath = deadLetterPath
        self.fastLoad = fastLoad
    }
}
