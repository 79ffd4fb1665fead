import Foundation
import Logging
import TernCore

/// One worker's part in a shared backfill: joins (or makes) the plan, claims items, takes over lapsed leases, and
/// tells when every item is done. The decisions are conditional writes the coordination cluster arbitrates; the
/// only clock is this worker's monotonic one (``LeaseBook``, ``HeldLease``).
public actor Coordinator {
    /// What the planner hands over: the items (without a generation yet) and what every worker must agree on.
    public struct Plan: Sendable {
        public var items: [(key: String, unit: [String: String], estimatedDocuments: Int?)]
        public var versioning: String?
        public var estimatedDocuments: Int?

        public init(items: [(key: String, unit: [String: String], estimatedDocuments: Int?)], versioning: String?, estimatedDocuments: Int?)
        {
            self.items = items
            self.versioning = versioning
            self.estimatedDocuments = estimatedDocuments
        }
    }

    /// What a claim found.
    public enum Claim: Sendable {
        /// This worker now holds the item.
        case item(ItemLease)
        /// Nothing to claim now: every remaining item is leased by a live worker.
        case wait
        /// Every item of the plan is done.
        case finished
    }

    public nonisolated let index: CoordinationIndex
    public nonisolated let settings: CoordinationSettings
    private let logger: Logger
    public nonisolated let trace: CoordinationTrace
    private var book = LeaseBook()
    public private(set) var plan: PlanRecord?
    private var worker: WorkerRecord
    private let started = ContinuousClock.now
    private var tokens = 0

    public init(index: CoordinationIndex, settings: CoordinationSettings, logger: Logger) {
        self.index = index
        self.settings = settings
        self.logger = logger
        self.trace = CoordinationTrace(path: settings.tracePath)
        self.worker = WorkerRecord(
            worker: settings.worker, host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier,
            startedAt: Self.timestamp())
    }

    // MARK: - The plan

    /// Joins the backfill `runKey`: returns its plan once every item is written, planning it first when no worker has
    /// (or when the worker that was planning stopped renewing).
    /// - Parameter makePlan: cuts the backfill into items; called only on the worker that plans.
    /// - Throws: `TernError` when the index holds another backfill under the same name, or the cluster gives no answer
    ///   within ``CoordinationSettings/giveUp``.
    public func join(runKey: String, description: String, makePlan: @Sendable () async throws -> Plan) async throws -> PlanRecord {
        try await retrying("create the coordination index") { try await self.index.create() }
        try await retrying("record this worker") { try await self.index.put(WorkerRecord.id(self.worker.worker), self.worker) }
        var wait: Duration?
        while true {
            let current = try await retrying("read the plan") { try await self.index.get(PlanRecord.id, as: PlanRecord.self) }
            guard let current else {
                let record = newPlanRecord(runKey: runKey, description: description)
                if let version = try await retrying("create the plan", { try await self.index.create(PlanRecord.id, record) }) {
                    if let ready = try await makeItems(record, version: version, makePlan: makePlan) { return ready }
                }
                continue
            }
            guard current.value.runKey == runKey else {
                throw TernError(
                    .invalidArgument,
                    "The coordination index \(index.name) holds another backfill (\(current.value.description)); start every worker with the same source, target and selection flags, or give this one another --run-name."
                )
            }
            if current.value.state == .ready {
                plan = current.value
                return current.value
            }
            if current.value.owner == settings.worker {
                if let ready = try await makeItems(current.value, version: current.version, makePlan: makePlan) { return ready }
                continue
            }
            let now = ContinuousClock.now
            book.observe(
                current.id, version: current.version, duration: .milliseconds(current.value.leaseMilliseconds), at: now)
            if book.hasLapsed(current.id, version: current.version, at: now) {
                logger.notice(
                    "the worker planning the backfill stopped; planning it here", metadata: ["previous": "\(current.value.owner)"])
                var record = newPlanRecord(runKey: runKey, description: description)
                record.renewals = current.value.renewals + 1
                let takeover = record
                let taken = try await retrying("take the plan over") {
                    try await self.index.replace(PlanRecord.id, takeover, ifAt: current.version)
                }
                if case .applied(let version) = taken, let ready = try await makeItems(takeover, version: version, makePlan: makePlan) {
                    return ready
                }
                continue
            }
            wait = settings.nextPoll(after: wait)
            try await Task.sleep(for: wait!)
        }
    }

    /// Plans and writes the items under a renewed plan lease; nil when another worker took the planning over.
    private func makeItems(_ record: PlanRecord, version: LeaseBook.Version, makePlan: @Sendable () async throws -> Plan) async throws
        -> PlanRecord?
    {
        logger.notice("planning the shared backfill", metadata: ["index": "\(index.name)", "generation": "\(record.generation)"])
        let renewer = PlanRenewer(index: index, record: record, version: version)
        let renewal = Task { await renewer.keepRenewing() }
        defer { renewal.cancel() }
        let made = try await makePlan()
        let items = made.items.map {
            WorkItem(generation: record.generation, key: $0.key, unit: $0.unit, estimatedDocuments: $0.estimatedDocuments)
        }
        var start = 0
        while start < items.count {
            let chunk = items[start..<min(items.count, start + 500)].map { (id: $0.id, value: $0 as any Encodable & Sendable) }
            try await retrying("write the plan's items") { try await self.index.createAll(chunk) }
            start += chunk.count
        }
        renewal.cancel()
        await renewal.value
        guard await renewer.current != nil else { return nil }
        // The renewer may have been stopped with a write in flight: read the plan back and finish it while it is ours.
        while true {
            guard let current = try await retrying("read the plan", { try await self.index.get(PlanRecord.id, as: PlanRecord.self) }),
                current.value.owner == settings.worker, current.value.generation == record.generation
            else { return nil }
            var ready = current.value
            ready.state = .ready
            ready.items = items.count
            ready.versioning = made.versioning
            ready.estimatedDocuments = made.estimatedDocuments
            ready.leaseToken = nextToken()
            let final = ready
            let result = try await retrying("mark the plan ready") {
                try await self.index.replace(PlanRecord.id, final, ifAt: current.version)
            }
            if case .applied = result {
                plan = final
                logger.notice("the shared backfill is planned", metadata: ["items": "\(items.count)"])
                return final
            }
        }
    }

    private func newPlanRecord(runKey: String, description: String) -> PlanRecord {
        var record = PlanRecord(
            runKey: runKey, description: description, generation: String(UInt64.random(in: 0...UInt64.max), radix: 36),
            owner: settings.worker, leaseToken: nextToken(), leaseMilliseconds: settings.lease.inMilliseconds)
        record.createdAt = Self.timestamp()
        return record
    }

    // MARK: - Items

    /// Claims an item: a pending one (from a random point of the plan, so that workers spread out), else one whose lease
    /// has lapsed as this worker sees it.
    public func claim() async throws -> Claim {
        guard let plan else { preconditionFailure("join before claiming") }
        let ofPlan: [JSONValue] = [
            .object(["term": .object(["type": .string("item")])]),
            .object(["term": .object(["generation": .string(plan.generation)])]),
        ]
        func pending(from start: Int64?) async throws -> [Versioned<WorkItem>] {
            var filters = ofPlan + [.object(["term": .object(["state": .string("pending")])])]
            if let start { filters.append(.object(["range": .object(["order": .object(["gte": .int(start)])])])) }
            return try await index.search(
                .object(["bool": .object(["filter": .array(filters)])]), sort: .array([.object(["order": .string("asc")])]), size: 8,
                as: WorkItem.self)
        }
        var candidates = try await pending(from: Int64.random(in: 0...Int64.max))
        if candidates.isEmpty { candidates = try await pending(from: nil) }
        for candidate in candidates.shuffled() {
            if let lease = try await take(candidate) { return .item(lease) }
        }
        let leased = try await index.all(
            .object(["bool": .object(["filter": .array(ofPlan + [.object(["term": .object(["state": .string("leased")])])])])]),
            as: WorkItem.self)
        let now = ContinuousClock.now
        book.keepOnly(Set(leased.map(\.id)))
        for item in leased {
            book.observe(item.id, version: item.version, duration: .milliseconds(item.value.leaseMilliseconds ?? 0), at: now)
        }
        let lapsed = Set(book.lapsed(at: now))
        for item in leased.shuffled() where lapsed.contains(item.id) {
            logger.notice(
                "taking over an item whose lease lapsed", metadata: ["item": "\(item.value.key)", "previous": "\(item.value.owner ?? "-")"])
            if let lease = try await take(item) { return .item(lease) }
        }
        if candidates.isEmpty && leased.isEmpty {
            try await index.refresh()
            let open = try await index.search(
                .object([
                    "bool": .object([
                        "filter": .array(ofPlan), "must_not": .array([.object(["term": .object(["state": .string("done")])])]),
                    ])
                ]),
                size: 1, as: WorkItem.self)
            if open.isEmpty { return .finished }
        }
        return .wait
    }

    /// Leases `candidate` if it is still as read.
    private func take(_ candidate: Versioned<WorkItem>) async throws -> ItemLease? {
        var item = candidate.value
        item.state = .leased
        item.owner = settings.worker
        item.claims += 1
        item.renewals = 0
        item.leaseMilliseconds = settings.lease.inMilliseconds
        // The lease's tokens share a prefix unique to this claim (``ItemLease`` tells its own writes by it; slots of one
        // worker claiming the same item must not mistake each other's writes for their own).
        tokens += 1
        let prefix = "\(settings.worker)#c\(tokens)#"
        item.leaseToken = prefix + "0"
        item.claimedAt = Self.timestamp()
        item.renewedAt = item.claimedAt
        let sentAt = ContinuousClock.now
        switch try await index.replace(item.id, item, ifAt: candidate.version) {
        case .applied(let version):
            book.forget(item.id)
            trace.record("hold", item: item.key, worker: settings.worker)
            return ItemLease(item: item, version: version, claimSentAt: sentAt, index: index, tokenPrefix: prefix)
        case .conflict:
            if let current = try await index.get(item.id, as: WorkItem.self), current.value.leaseToken == item.leaseToken {
                trace.record("hold", item: item.key, worker: settings.worker)
                return ItemLease(item: item, version: current.version, claimSentAt: sentAt, index: index, tokenPrefix: prefix)
            }
            return nil
        }
    }

    /// Every item of the plan, for the final report and `tern backfill status`.
    public func items() async throws -> [WorkItem] {
        guard let plan else { return [] }
        try await retrying("refresh the coordination index") { try await self.index.refresh() }
        return try await retrying("read the items") {
            try await self.index.all(
                .object([
                    "bool": .object([
                        "filter": .array([
                            .object(["term": .object(["type": .string("item")])]),
                            .object(["term": .object(["generation": .string(plan.generation)])]),
                        ])
                    ])
                ]), as: WorkItem.self
            ).map(\.value)
        }
    }

    // MARK: - This worker's record

    /// Counts an item this worker finished (or lost) in its own record.
    public func recordItem(documents: Int, lost: Bool) async {
        if lost {
            worker.itemsLost += 1
        } else {
            worker.itemsDone += 1
            worker.documents += documents
        }
        await saveWorker()
    }

    /// Marks this worker finished or stopped (best effort: the items are what counts).
    public func recordEnd(_ state: WorkerRecord.State, reason: String?) async {
        worker.state = state
        worker.reason = reason
        await saveWorker()
    }

    private func saveWorker() async {
        worker.updatedAt = Self.timestamp()
        worker.seconds = (ContinuousClock.now - started).inSeconds
        try? await index.put(WorkerRecord.id(worker.worker), worker)
    }

    // MARK: - Plumbing

    /// Runs `body` again while the cluster is busy or unreachable, for at most ``CoordinationSettings/giveUp``.
    public func retrying<T: Sendable>(_ what: String, _ body: @Sendable () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + settings.giveUp
        var wait = Duration.milliseconds(200)
        var warned = false
        while true {
            do {
                return try await body()
            } catch let error as CoordinationIndex.Unavailable {
                guard ContinuousClock.now + wait < deadline else {
                    throw TernError(
                        .clusterUnavailable,
                        "The coordination cluster (\(index.client.displayName)) did not answer for \(settings.giveUp) when this worker tried to \(what) (\(error.reason)); check that it is up and reachable, then start the worker again: the shared backfill goes on where it is."
                    )
                }
                if !warned {
                    logger.warning(
                        "the coordination cluster is not answering; trying again", metadata: ["reason": "\(error.reason)", "to": "\(what)"])
                    warned = true
                }
                try await Task.sleep(for: wait)
                wait = min(wait * 2, .seconds(5))
            }
        }
    }

    private func nextToken() -> String {
        tokens += 1
        return "\(settings.worker)#p\(tokens)"
    }

    /// Now, for people reading the index (the worker's wall clock; decisions never use it).
    public static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}

/// Renews the plan's lease while its worker plans; remembers the last version it wrote.
actor PlanRenewer {
    private let index: CoordinationIndex
    private var record: PlanRecord
    private var version: LeaseBook.Version
    private var lost = false

    init(index: CoordinationIndex, record: PlanRecord, version: LeaseBook.Version) {
        self.index = index
        self.record = record
        self.version = version
    }

    /// The plan as last written, or nil when another worker took the planning over.
    var current: (PlanRecord, LeaseBook.Version)? { lost ? nil : (record, version) }

    func keepRenewing() async {
        let interval = Duration.milliseconds(record.leaseMilliseconds) * HeldLease.renewFraction
        while !Task.isCancelled && !lost {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            var next = record
            next.renewals += 1
            next.leaseToken = "\(record.owner)#r\(next.renewals)"
            do {
                switch try await index.replace(PlanRecord.id, next, ifAt: version) {
                case .applied(let newVersion):
                    record = next
                    version = newVersion
                case .conflict:
                    lost = true
                }
            } catch {
                continue
            }
        }
    }
}
