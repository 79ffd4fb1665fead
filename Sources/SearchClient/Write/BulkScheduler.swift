import TernCore

/// Every decision of the bulk writer, and nothing else: which documents go in which request and when, how concurrency
/// and batch size move (``AIMDController``), which documents go again after a rejection or a server error and after how
/// long, when a document is given up (`maxItemRetries` and `rejectionPatience` for rejections, `maxServerErrorRetries`
/// for server errors), and when a write is finished or has failed.
///
/// A state machine without I/O and without a clock: ``BulkWriter`` feeds it events (documents to write, an answer with
/// its per-item outcomes, a transport failure, a timer that fired), always with the time they happened, and performs
/// the ``Action``s it returns (send a body, wake up at an instant, give documents up, finish, fail). So every rule is
/// tested by driving events directly (`BulkSchedulerTests`).
///
/// One scheduler serves all the `write` calls of a writer: they share its controller and its concurrency limit, so
/// together they never have more requests in flight than the limit, and a slot one call frees goes to whichever call
/// has work, in the order the calls started.
struct BulkScheduler {
    typealias Instant = ContinuousClock.Instant

    /// One `write` call.
    struct WriteID: Hashable, Sendable, CustomStringConvertible {
        let value: Int
        var description: String { "write \(value)" }
    }

    /// One request (one body), kept across the attempts that send it.
    struct RequestID: Hashable, Sendable, CustomStringConvertible {
        let value: Int
        var description: String { "request \(value)" }
    }

    /// How a request is sent.
    enum Delivery: Equatable, Sendable {
        /// The first attempt: no retries inside the client, so a 429 reaches the scheduler at once instead of being
        /// waited out inside the client.
        case once
        /// The same body again after the first attempt broke in transport (`after`), now with the client's own
        /// retries (backoff, other endpoints). Safe even when the first copy was applied and only the answer was lost:
        /// every action keeps the document's `_id` and routing, so a repeat overwrites the document with itself (or,
        /// under external versioning, is refused as a version conflict and counted as already newer).
        case again(after: TernError)
    }

    /// A body to send: the positions of its documents in the write's documents, in body order.
    struct Request: Equatable, Sendable {
        var id: RequestID
        var write: WriteID
        var positions: [Int]
        var delivery: Delivery
    }

    /// A document refused for good.
    struct GivenUp: Equatable, Sendable {
        var position: Int
        var status: Int
        var errorType: String
        var reason: String
    }

    /// What a write did with its documents; with the documents given up, it makes the write's ``BulkOutcome``.
    struct Tally: Equatable, Sendable {
        var written = 0
        var alreadyNewer = 0
        var failed = 0
        var requests = 0
        var retriedItems = 0
        var total: Int { written + alreadyNewer + failed }
    }

    /// Why a write stops without finishing.
    enum Failure: Equatable, Sendable {
        /// The target could not be reached even with the client's retries: stop, and resume later.
        case transport(TernError)
        /// A 2xx answer that is not a `_bulk` answer; none of its `documents` is counted.
        case unreadableAnswer(String, documents: Int)
        /// A `_bulk` answer with another number of results than documents sent.
        case itemCount(answered: Int, sent: Int)
        /// The whole request refused with a status no retry changes (401, 403, another 4xx).
        case refused(status: Int)
    }

    /// What the writer does next.
    enum Action: Equatable, Sendable {
        /// Build the body of the request's documents (for `.again`, reuse the one already built) and POST it.
        case send(Request)
        /// `documents` of the write go again after a backoff, not before `at`.
        case retry(WriteID, documents: Int, at: Instant)
        /// Call ``timerFired(_:at:now:)`` at `at`: documents of the write wait for then, and nothing else would wake
        /// the writer. Replaces a later wake-up of the same write (which may still fire, and is then ignored).
        case wake(WriteID, at: Instant)
        /// These documents are refused for good: report them and keep them in the dead-letter file.
        case giveUp(WriteID, [GivenUp])
        /// Every document of the write is accounted for.
        case finish(WriteID, Tally)
        /// The write stops; its requests still in flight no longer count (the writer cancels them).
        case fail(WriteID, Failure)

        /// The write the action belongs to.
        var write: WriteID {
            switch self {
            case .send(let request): request.write
            case .retry(let write, _, _), .wake(let write, _), .giveUp(let write, _), .finish(let write, _), .fail(let write, _): write
            }
        }
    }

    /// What the target answered to one request.
    enum Answer: Equatable, Sendable {
        /// A 2xx `_bulk` answer: how many items it has, and those that did not succeed.
        case items(count: Int, failures: [BulkResponseScanner.Item])
        /// A whole-request answer without items (any status but 2xx), with the error's type and reason when it has them.
        case status(Int, errorType: String?, reason: String?)
        /// A 2xx answer that could not be read as a `_bulk` answer.
        case unreadable(String)
    }

    /// What each item's answer means for that document.
    enum Verdict: Equatable {
        case written, alreadyNewer, rejected, serverError, permanent
    }

    let options: BulkWriterOptions
    private(set) var controller: AIMDController
    /// Full jitter for the backoffs; tests pass a predictable one.
    private var random: any RandomNumberGenerator
    private var writes: [WriteID: WriteState] = [:]
    /// Writes in the order they started: who gets a free slot first among writes with as many requests in flight.
    private var order: [WriteID] = []
    private var inFlight: [RequestID: InFlight] = [:]
    private var nextWrite = 0
    private var nextRequest = 0
    /// The most requests ever in flight at once, of all writes together.
    private(set) var peakInFlight = 0

    init(options: BulkWriterOptions, random: any RandomNumberGenerator = SystemRandomNumberGenerator()) {
        self.options = options
        self.random = random
        controller = AIMDController(settings: options.limits)
    }

    /// Requests in flight, of all writes together.
    var requestsInFlight: Int { inFlight.count }

    /// Writes started and not yet finished or failed.
    var activeWrites: Int { writes.count }

    // MARK: Events

    /// A `write` call brings documents (their estimated body sizes, in order): sends what the limits allow.
    mutating func write(sizes: [Int], now: Instant) -> (WriteID, [Action]) {
        let id = WriteID(value: nextWrite)
        nextWrite += 1
        writes[id] = WriteState(sizes: sizes)
        order.append(id)
        return (id, settle(now: now))
    }

    /// The target answered `request`.
    mutating func answered(_ request: RequestID, _ answer: Answer, now: Instant) -> [Action] {
        // A request of a write that failed or was abandoned: its slot was freed then.
        guard let sent = inFlight.removeValue(forKey: request), var write = writes[sent.write] else { return settle(now: now) }
        write.inFlight -= 1
        var actions: [Action] = []
        var retries = Retries()
        switch answer {
        case .items(let count, let failures):
            guard count == sent.items.count else {
                return fail(sent.write, .itemCount(answered: count, sent: sent.items.count), now: now)
            }
            write.tally.written += count - failures.count
            var givenUp: [GivenUp] = []
            for item in failures where sent.items.indices.contains(item.position) {
                let pending = sent.items[item.position]
                let type = item.errorType ?? ""
                let reason = item.errorReason ?? ""
                switch Self.verdict(status: item.status, errorType: item.errorType, versioning: options.versioning, action: item.action) {
                case .written: write.tally.written += 1
                case .alreadyNewer: write.tally.alreadyNewer += 1
                case .permanent: givenUp.append(GivenUp(position: pending.position, status: item.status, errorType: type, reason: reason))
                case .rejected: retries.add(pending, rejected: true, status: item.status, type: type, reason: reason, now: now)
                case .serverError: retries.add(pending, rejected: false, status: item.status, type: type, reason: reason, now: now)
                }
            }
            if !givenUp.isEmpty {
                write.tally.failed += givenUp.count
                actions.append(.giveUp(sent.write, givenUp))
            }
            if retries.sawRejection {
                controller.recordRejection(epoch: sent.epoch)
            } else if retries.candidates.isEmpty {
                // Mapping errors and version conflicts say nothing about load: the target took the whole batch in.
                controller.recordSuccess(epoch: sent.epoch)
            }
        case .status(413, _, _) where sent.items.count > 1:
            // Too large for the target's http.max_content_length: smaller batches, nothing is wrong with the documents.
            controller.recordTooLarge(epoch: sent.epoch)
            for pending in sent.items {
                retries.add(pending, rejected: true, status: 413, type: "request_entity_too_large", reason: "", now: now)
            }
        case .status(413, _, _):
            write.tally.failed += 1
            actions.append(
                .giveUp(
                    sent.write,
                    [
                        GivenUp(
                            position: sent.items[0].position, status: 413, errorType: "request_entity_too_large",
                            reason: "the document alone is larger than the target's http.max_content_length")
                    ]))
        case .status(let status, let errorType, let reason) where status == 429 || status == 503 || status >= 500:
            let type = errorType ?? "http_\(status)"
            // 502/504 from a gateway mean the cluster is briefly out of reach, like a 429: back off and shrink.
            let rejected =
                RetryPolicy.retryableStatuses.contains(status)
                || Self.verdict(status: status, errorType: type, versioning: options.versioning) == .rejected
            for pending in sent.items {
                retries.add(pending, rejected: rejected, status: status, type: type, reason: reason ?? "HTTP \(status)", now: now)
            }
            if rejected { controller.recordRejection(epoch: sent.epoch) }
        case .status(let status, _, _):
            // 401 and 403, or a whole-request 4xx: the body itself was refused (a proxy, or a bug of ours). Stop and say so.
            return fail(sent.write, .refused(status: status), now: now)
        case .unreadable(let detail):
            return fail(sent.write, .unreadableAnswer(detail, documents: sent.items.count), now: now)
        }
        actions += schedule(retries, for: sent.write, in: &write, now: now)
        writes[sent.write] = write
        return actions + settle(now: now)
    }

    /// `request` got no answer: the connection broke or timed out (after the client's own retries for `.again`).
    mutating func transportFailed(_ request: RequestID, _ error: TernError, now: Instant) -> [Action] {
        guard var sent = inFlight[request], writes[sent.write] != nil else {
            inFlight[request] = nil
            return settle(now: now)
        }
        guard sent.delivery == .once, TransportErrorTranslator.isRetryable(error) else {
            // The client gave up too: nothing is reported as written that the target did not acknowledge.
            return fail(sent.write, .transport(error), now: now)
        }
        // A request that timed out is the target drowning, the same signal as a 429.
        if error.kind == .timeout { controller.recordRejection(epoch: sent.epoch) }
        sent.delivery = .again(after: error)
        inFlight[request] = sent
        return [.send(Request(id: request, write: sent.write, positions: sent.items.map(\.position), delivery: sent.delivery))]
    }

    /// The wake-up asked for by ``Action/wake(_:at:)`` came: documents whose backoff is over may go.
    mutating func timerFired(_ write: WriteID, at due: Instant, now: Instant) -> [Action] {
        if writes[write]?.wake == due { writes[write]?.wake = nil }
        return settle(now: now)
    }

    /// The write stops for a reason of the writer's own (its dead-letter file failed, its task was cancelled): its
    /// requests in flight no longer count, and their slots go to the other writes.
    mutating func abandon(_ write: WriteID, now: Instant) -> [Action] {
        remove(write)
        return settle(now: now)
    }

    // MARK: Rules

    static func verdict(status: Int, errorType: String?, versioning: BulkWriterOptions.Versioning, action: String = "index") -> Verdict {
        let type = errorType ?? ""
        if (200..<300).contains(status) { return .written }
        // A deletion of a document the target does not hold (`result: not_found`): the end state is what was asked.
        if action == "delete" && status == 404 && errorType == nil { return .written }
        if type == "version_conflict_engine_exception" {
            // A `create` finds the document already written (a data stream's write done before).
            if action == "create" { return .alreadyNewer }
            // Without external versioning an `index` action never conflicts; if it does, it is not ours to ignore.
            return versioning == .none ? .permanent : .alreadyNewer
        }
        // `es_rejected_execution_exception` (Elasticsearch), `rejected_execution_exception` (OpenSearch).
        if status == 429 || status == 503 || type.hasSuffix("rejected_execution_exception") || type == "circuit_breaking_exception" {
            return .rejected
        }
        if status >= 500 || status < 100 { return .serverError }
        return .permanent
    }

    private mutating func fail(_ write: WriteID, _ failure: Failure, now: Instant) -> [Action] {
        remove(write)
        return settle(now: now) + [.fail(write, failure)]
    }

    private mutating func remove(_ write: WriteID) {
        guard writes.removeValue(forKey: write) != nil else { return }
        order.removeAll { $0 == write }
        inFlight = inFlight.filter { $0.value.write != write }
    }

    /// Gives up the candidates out of attempts and requeues the others, all after one jittered backoff so they travel
    /// together.
    private mutating func schedule(_ retries: Retries, for id: WriteID, in write: inout WriteState, now: Instant) -> [Action] {
        var actions: [Action] = []
        var again: [Pending] = []
        var givenUp: [GivenUp] = []
        for candidate in retries.candidates {
            let pending = candidate.pending
            let outOfPatience =
                pending.rejections > options.maxItemRetries
                && pending.firstRejection.map { now - $0 >= options.rejectionPatience } ?? true
            if outOfPatience || pending.serverErrors > options.maxServerErrorRetries {
                givenUp.append(
                    GivenUp(
                        position: pending.position, status: candidate.status, errorType: candidate.type,
                        reason: "gave up after \(pending.failures) attempts: \(candidate.reason)"))
            } else {
                again.append(pending)
            }
        }
        if !givenUp.isEmpty {
            write.tally.failed += givenUp.count
            actions.append(.giveUp(id, givenUp))
        }
        guard !again.isEmpty else { return actions }
        let attempt = again.map(\.failures).max() ?? 1
        let policy = RetryPolicy(
            settings: RetrySettings(maxAttempts: .max, initialBackoff: options.initialRetryDelay, maxBackoff: options.maxRetryDelay))
        let due = now + policy.delay(afterAttempt: attempt, using: &random)
        write.tally.retriedItems += again.count
        write.waiting.append(contentsOf: again.map { (due, $0) })
        actions.append(.retry(id, documents: again.count, at: due))
        return actions
    }

    /// Hands free slots to the writes with documents that may go now, each to the write with the fewest requests in
    /// flight (the earliest started among equals); then finishes the writes with nothing left, and asks for a wake-up
    /// where documents wait out a backoff.
    private mutating func settle(now: Instant) -> [Action] {
        var actions: [Action] = []
        while inFlight.count < controller.concurrency {
            var chosen: (id: WriteID, inFlight: Int)?
            for id in order {
                guard let write = writes[id], write.hasWork(now: now), chosen.map({ write.inFlight < $0.inFlight }) ?? true else {
                    continue
                }
                chosen = (id, write.inFlight)
            }
            guard let id = chosen?.id, var write = writes[id], let items = write.takeBatch(within: controller, now: now) else { break }
            let request = RequestID(value: nextRequest)
            nextRequest += 1
            inFlight[request] = InFlight(write: id, items: items, epoch: controller.epoch, delivery: .once)
            peakInFlight = max(peakInFlight, inFlight.count)
            write.inFlight += 1
            write.tally.requests += 1
            writes[id] = write
            actions.append(.send(Request(id: request, write: id, positions: items.map(\.position), delivery: .once)))
        }
        for id in order {
            guard var write = writes[id] else { continue }
            if write.isDone {
                remove(id)
                actions.append(.finish(id, write.tally))
                continue
            }
            // Documents still in their backoff: a wake-up when the first is due, unless one comes by then anyway.
            // (Documents already due wait for a slot; the answer that frees it settles again.)
            guard let due = write.waiting.lazy.map(\.due).filter({ $0 > now }).min(), write.wake.map({ due < $0 }) ?? true else {
                continue
            }
            write.wake = due
            writes[id] = write
            actions.append(.wake(id, at: due))
        }
        return actions
    }
}

extension BulkScheduler {
    /// One document on its way, with the attempts it has used.
    struct Pending: Equatable, Sendable {
        var position: Int
        var rejections = 0
        /// When the target first rejected this document; nil while it has not.
        var firstRejection: Instant?
        var serverErrors = 0
        /// Sends that came back rejected or failed.
        var failures: Int { rejections + serverErrors }
    }

    /// A request in flight: its documents, and the limits' epoch it was sent in.
    struct InFlight {
        var write: WriteID
        var items: [Pending]
        var epoch: Int
        var delivery: Delivery
    }

    /// One write's queue: fresh documents in order, and documents waiting out a backoff.
    struct WriteState {
        let sizes: [Int]
        var nextFresh = 0
        var waiting: [(due: Instant, pending: Pending)] = []
        var inFlight = 0
        var tally = Tally()
        /// The wake-up the writer was asked for and that has not come yet.
        var wake: Instant?

        var isDone: Bool { nextFresh == sizes.count && waiting.isEmpty && inFlight == 0 }

        /// Whether a document may go now.
        func hasWork(now: Instant) -> Bool {
            nextFresh < sizes.count || waiting.contains { $0.due <= now }
        }

        /// The next batch within the controller's limits: due retries first, then fresh documents; nil when nothing
        /// can go now. A document larger than the byte limit goes alone.
        mutating func takeBatch(within controller: AIMDController, now: Instant) -> [Pending]? {
            var items: [Pending] = []
            var bytes = 0
            func fits(_ size: Int) -> Bool {
                items.isEmpty || (items.count < controller.batchDocuments && bytes + size <= controller.batchBytes)
            }
            var index = 0
            while index < waiting.count {
                guard waiting[index].due <= now else {
                    index += 1
                    continue
                }
                let size = sizes[waiting[index].pending.position]
                guard fits(size) else { return items }
                items.append(waiting.remove(at: index).pending)
                bytes += size
            }
            while nextFresh < sizes.count {
                let size = sizes[nextFresh]
                guard fits(size) else { break }
                items.append(Pending(position: nextFresh))
                bytes += size
                nextFresh += 1
            }
            return items.isEmpty ? nil : items
        }
    }

    /// The documents of one answer that may go again.
    struct Retries {
        var candidates: [(pending: Pending, status: Int, type: String, reason: String)] = []
        var sawRejection = false

        mutating func add(_ pending: Pending, rejected: Bool, status: Int, type: String, reason: String, now: Instant) {
            var pending = pending
            if rejected {
                pending.rejections += 1
                if pending.firstRejection == nil { pending.firstRejection = now }
                sawRejection = true
            } else {
                pending.serverErrors += 1
            }
            candidates.append((pending, status, type, reason))
        }
    }
}
