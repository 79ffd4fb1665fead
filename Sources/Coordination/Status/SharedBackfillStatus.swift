import Foundation

/// The picture of a shared backfill from its coordination index: items done, leased and pending, each worker's
/// throughput, and the time left at the current pace. Built from documents only, so any machine can show it.
public struct SharedBackfillStatus: Sendable, Codable, Equatable {
    public struct LeasedItem: Sendable, Codable, Equatable {
        public var key: String
        public var owner: String?
        public var claimedAt: String?
        public var renewedAt: String?
        /// Documents acknowledged as of the last renewal.
        public var checkpoint: Int?
        public var read: Int
        /// More than one: taken over after a lease lapsed.
        public var claims: Int

        enum CodingKeys: String, CodingKey {
            case key, owner, checkpoint, read, claims
            case claimedAt = "claimed_at"
            case renewedAt = "renewed_at"
        }
    }

    public struct Worker: Sendable, Codable, Equatable {
        public var worker: String
        public var host: String
        public var state: String
        public var itemsDone: Int
        public var itemsLost: Int
        public var documents: Int
        /// Documents per second since it started.
        public var documentsPerSecond: Double?
        public var updatedAt: String
        public var reason: String?

        enum CodingKeys: String, CodingKey {
            case worker, host, state, documents, reason
            case itemsDone = "items_done"
            case itemsLost = "items_lost"
            case documentsPerSecond = "documents_per_second"
            case updatedAt = "updated_at"
        }
    }

    public var index: String
    public var description: String
    /// `planning` or `ready`.
    public var plan: String
    public var items: Int
    public var done: Int
    public var leased: [LeasedItem]
    public var pending: Int
    public var documentsRead: Int
    public var documentsFailed: Int
    public var estimatedDocuments: Int?
    public var workers: [Worker]
    /// Where refused documents are: the `host:path` of each dead-letter file named on an item.
    public var deadLetters: [String]
    /// Seconds left at the pace of the workers still working, when it can be told.
    public var secondsLeft: Double?

    enum CodingKeys: String, CodingKey {
        case index, description, plan, items, done, leased, pending, workers
        case documentsRead = "documents_read"
        case documentsFailed = "documents_failed"
        case estimatedDocuments = "estimated_documents"
        case deadLetters = "dead_letters"
        case secondsLeft = "seconds_left"
    }

    public init(index: String, plan: PlanRecord, items: [WorkItem], workers: [WorkerRecord]) {
        self.index = index
        self.description = plan.description
        self.plan = plan.state.rawValue
        self.items = plan.items ?? items.count
        let finished = items.filter { $0.state == .done }
        done = finished.count
        leased = items.filter { $0.state == .leased }.map {
            LeasedItem(
                key: $0.key, owner: $0.owner, claimedAt: $0.claimedAt, renewedAt: $0.renewedAt, checkpoint: $0.checkpoint,
                read: $0.counts.read, claims: $0.claims)
        }
        pending = items.filter { $0.state == .pending }.count
        documentsRead = items.reduce(0) { $0 + $1.counts.read }
        documentsFailed = items.reduce(0) { $0 + $1.counts.failed }
        estimatedDocuments = plan.estimatedDocuments
        deadLetters = Set(items.compactMap(\.deadLetters).flatMap(WorkItem.files)).sorted()
        self.workers = workers.sorted { $0.worker < $1.worker }.map {
            Worker(
                worker: $0.worker, host: $0.host, state: $0.state.rawValue, itemsDone: $0.itemsDone, itemsLost: $0.itemsLost,
                documents: $0.documents, documentsPerSecond: $0.seconds > 0 ? Double($0.documents) / $0.seconds : nil,
                updatedAt: $0.updatedAt, reason: $0.reason)
        }
        // Documents left (the plan's estimate, else the items left at the finished items' average) over the rate of
        // the workers still working: an estimate, not a promise.
        let rate = self.workers.filter { $0.state == WorkerRecord.State.working.rawValue }.compactMap(\.documentsPerSecond).reduce(0, +)
        var left: Double?
        if let estimate = plan.estimatedDocuments {
            left = Double(max(0, estimate - documentsRead))
        } else if done > 0 {
            let perItem = Double(finished.reduce(0) { $0 + $1.counts.read }) / Double(done)
            left = Double(self.items - done) * perItem
        }
        if let left, rate > 0, done < self.items { secondsLeft = left / rate }
    }
}
