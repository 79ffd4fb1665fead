import SearchClient
import Synchronization

/// Live counters of a running backfill, shared by the unit tasks and read by whoever shows progress.
public final class BackfillProgress: Sendable {
    /// A copy of the counters at one moment.
    public struct Snapshot: Sendable, Equatable {
        public var unitsTotal = 0
        public var unitsDone = 0
        /// Units finished by an earlier run of the same backfill.
        public var unitsResumed = 0
        public var read = 0
        public var written = 0
        public var alreadyNewer = 0
        public var failed = 0
        public var sourceBytes = 0
        /// Documents expected in total, when the source could tell.
        public var expectedDocuments: Int?
        /// Per target index.
        public var indices: [String: IndexCounts] = [:]
        /// Per target index named by the lines of an ndjson file.
        public var fileIndices: [String: FileIndexCounts] = [:]
    }

    /// Documents of one index read from an ndjson file, and how many of them the target refused.
    public struct FileIndexCounts: Sendable, Equatable {
        public var read = 0
        public var failed = 0
    }

    /// One target index's share of the work.
    public struct IndexCounts: Sendable, Equatable {
        public var unitsTotal = 0
        public var unitsDone = 0
        public var read = 0
        /// Documents expected for it, when the source could tell.
        public var expectedDocuments: Int?
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }

    /// Counts a page written for `targetIndex`: what was read, written, found newer and refused; with
    /// `perFileIndex`, also per index each document names (an ndjson file's lines).
    func recordPage(_ page: [BulkDocument], outcome: BulkOutcome, targetIndex: String, perFileIndex: Bool = false) {
        let bytes = page.reduce(0) { $0 + $1.source.readableBytes }
        update {
            $0.read += page.count
            $0.written += outcome.written
            $0.alreadyNewer += outcome.alreadyNewer
            $0.failed += outcome.failed.count
            $0.sourceBytes += bytes
            $0.indices[targetIndex, default: IndexCounts()].read += page.count
            guard perFileIndex else { return }
            for document in page { $0.fileIndices[document.index, default: FileIndexCounts()].read += 1 }
            for failure in outcome.failed { $0.fileIndices[failure.document.index, default: FileIndexCounts()].failed += 1 }
        }
    }
}
