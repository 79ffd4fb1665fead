import Logging
import TernCore

/// Writes documents to a cluster through `_bulk`, as fast as the target takes them and without losing one.
///
/// Concurrency and batch size follow an ``AIMDController``: they grow while the target accepts everything and halve
/// when it pushes back. Rejected documents, and only those, are sent again after a backoff with jitter; documents the
/// target refuses for good are reported (and kept in the dead-letter file when one is given). An actor: the
/// controller and its concurrency limit are shared by all calls, so concurrent `write` calls adapt together and
/// never have more requests in flight between them than the limit.
public actor BulkWriter {
    public nonisolated let client: SearchClient
    public nonisolated let options: BulkWriterOptions
    public nonisolated let deadLetters: DeadLetterFile?
    private var controller: AIMDController
    /// Requests in flight, of all `write` calls together.
    private var sending = 0
    /// The most requests that were ever in flight at once (tests check the limit holds across calls).
    private(set) var peakSending = 0
    private var random = SystemRandomNumberGenerator()

    public init(client: SearchClient, options: BulkWriterOptions = BulkWriterOptions(), deadLetters: DeadLetterFile? = nil) {
        self.client = client
        self.options = options
        self.deadLetters = deadLetters
        controller = AIMDController(settings: options.limits)
    }

    /// The controller's current limits.
    public var limits: (concurrency: Int, batchBytes: Int, batchDocuments: Int) {
        (controller.concurrency, controller.batchBytes, controller.batchDocuments)
    }

    /// The controller as it stands (limits, epoch), for progress output and tests.
    public var controllerState: AIMDController { controller }

    /// Writes all of `documents` (split into batches by the controller's limits), retrying only rejected items with
    /// backoff and jitter until they succeed or use up their budget (`maxItemRetries` and `rejectionPatience`);
    /// returns when every document is written, already newer, or failed permanently.
    ///
    /// Documents with the same index and id in one call may be applied in any order; use external versioning when
    /// order matters.
    /// - Throws: `TernError` when the target cannot be reached after the cluster's retries (the caller stops and
    ///   resumes later: nothing is reported as written that the target did not acknowledge), answers with a body that
    ///   is not a `_bulk` answer, refuses the credentials, or when the dead-letter file cannot be written.
    public func write(_ documents: [Document]) async throws -> BulkOutcome {
        var run = Run(count: documents.count)
        let query = self.query
        try await withThrowingTaskGroup(of: Event.self) { group in
            // This call's requests in flight; `sending` counts those of all calls, which share the controller's limit.
            var inFlight = 0
            // The earliest wake-up a timer task is sleeping towards; nil when none is.
            var armed: ContinuousClock.Instant?
            do {
                while true {
                    while sending < controller.concurrency, let (items, size) = run.takeBatch(documents, within: controller) {
                        let epoch = controller.epoch
                        group.addTask { [client, options] in
                            // Built in the child task, off the actor: copying megabytes of sources runs in parallel.
                            var body = BulkBody(options: options.bodyOptions, reservingCapacity: size)
                            for item in items { body.append(documents[item.index]) }
                            let answer = try await Self.post(body.bytes, query: query, client: client)
                            return Event.answered(items: items, epoch: epoch, answer: answer)
                        }
                        inFlight += 1
                        sending += 1
                        peakSending = max(peakSending, sending)
                        run.outcome.requests += 1
                    }
                    if inFlight == 0 && run.isDone { break }
                    let now = ContinuousClock.now
                    var wake: ContinuousClock.Instant?
                    if inFlight == 0 && run.hasWork(now: now) {
                        // Work is ready but other `write` calls hold every slot; their answers do not wake this loop.
                        wake = now + .milliseconds(20)
                    } else if sending < controller.concurrency || inFlight == 0 {
                        // Documents waiting out a backoff while there is room to send (or nothing else of this call
                        // would wake it): wake up when the first is due.
                        wake = run.earliestDue
                    }
                    if let wake, armed.map({ wake < $0 }) ?? true {
                        armed = wake
                        group.addTask {
                            try? await Task.sleep(until: wake, clock: .continuous)
                            return Event.wake(wake)
                        }
                    }
                    guard let event = try await group.next() else { break }
                    switch event {
                    case .wake(let due):
                        if armed == due { armed = nil }
                    case .answered(let items, let epoch, let answer):
                        inFlight -= 1
                        sending -= 1
                        try handle(answer, items: items, epoch: epoch, documents: documents, run: &run)
                    }
                }
            } catch {
                // The group cancels the requests still in flight; their slots are free again.
                sending -= inFlight
                throw error
            }
            group.cancelAll()
        }
        // Every document is counted exactly once; anything else would be a bug, and must not pass for success.
        guard run.outcome.total == documents.count else {
            throw TernError(
                .failedChecks,
                "The bulk writer accounted for \(run.outcome.total) of \(documents.count) documents; treat this run as incomplete and run it again."
            )
        }
        return run.outcome
    }

    /// What each item's answer means for that document.
    enum Verdict: Equatable {
        case written, alreadyNewer, rejected, serverError, permanent
    }

    static func verdict(status: Int, errorType: String?, versioning: BulkWriterOptions.Versioning, action: String = "index") -> Verdict {
        let type = errorType ?? ""
        if (200..<300).contains(status) { return .written }
        // A deletion of a document the target does not hold (`result: not_found`): the end state is what was asked.
        if action == "delete" && status == 404 && errorType == nil { return .written }
        if type == "version_conflict_engine_exception" {
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

    private var query: [(String, String)] {
        var query = [("filter_path", BulkResponseScanner.filterPath)]
        if options.refresh { query.append(("refresh", "true")) }
        return query
    }

    /// Sends one body. The first attempt takes no retries from ``SearchClient``, so a 429 reaches the controller at
    /// once instead of being waited out inside `send`; a broken connection is handed to `send`'s own retries
    /// (backoff, other endpoints), and only when those give up does the error end the write.
    private static func post(_ body: [UInt8], query: [(String, String)], client: SearchClient) async throws -> Answer {
        do {
            let response = try await client.send(
                .POST, "/_bulk", query: query, body: body, contentType: "application/x-ndjson", retries: RetrySettings(maxAttempts: 1))
            return Answer(response: response, firstFailure: nil)
        } catch let error as TernError where TransportErrorTranslator.isRetryable(error) {
            // Sending the same body again is safe even when the first copy was applied and only the answer was lost:
            // every action keeps the document's `_id` and routing, so a repeat overwrites the document with itself
            // (or, under external versioning, is refused as a version conflict and counted as already newer).
            // Nothing is duplicated, nothing is counted twice: a document is counted once, from the answer received.
            let response = try await client.send(.POST, "/_bulk", query: query, body: body, contentType: "application/x-ndjson")
            return Answer(response: response, firstFailure: error)
        }
    }

    private func handle(_ answer: Answer, items: [Pending], epoch: Int, documents: [Document], run: inout Run) throws {
        if let failure = answer.firstFailure {
            client.logger.info("bulk request failed, sent again", metadata: ["error": "\(failure.message)", "documents": "\(items.count)"])
            // A request that timed out is the target drowning, the same signal as a 429.
            if failure.kind == .timeout { controller.recordRejection(epoch: epoch) }
        }
        let response = answer.response
        var retries = Retries()
        switch response.status {
        case 200..<300:
            let summary: BulkResponseScanner.Summary
            do {
                summary = try BulkResponseScanner.scan(response.body)
            } catch {
                throw TernError(
                    .badResponse,
                    "The \(client.displayName) answered POST /_bulk with a body that is not a bulk answer (\(error)); none of its \(items.count) documents is counted as written, run again to resume."
                )
            }
            guard summary.itemCount == items.count else {
                throw TernError(
                    .badResponse,
                    "The \(client.displayName) answered POST /_bulk with \(summary.itemCount) results for \(items.count) documents; none is counted as written, run again to resume."
                )
            }
            run.outcome.written += items.count - summary.failures.count
            for item in summary.failures {
                let pending = items[item.position]
                let type = item.errorType ?? ""
                let reason = item.errorReason ?? ""
                switch Self.verdict(status: item.status, errorType: item.errorType, versioning: options.versioning, action: item.action) {
                case .written: run.outcome.written += 1
                case .alreadyNewer: run.outcome.alreadyNewer += 1
                case .permanent: try fail(pending, documents, status: item.status, type: type, reason: reason, run: &run)
                case .rejected: retries.add(pending, rejected: true, status: item.status, type: type, reason: reason)
                case .serverError: retries.add(pending, rejected: false, status: item.status, type: type, reason: reason)
                }
            }
            if retries.sawRejection {
                controller.recordRejection(epoch: epoch)
            } else if retries.candidates.isEmpty {
                // Mapping errors and version conflicts say nothing about load: the target took the whole batch in.
                controller.recordSuccess(epoch: epoch)
            }
        case 413 where items.count > 1:
            // Too large for the target's http.max_content_length: smaller batches, nothing is wrong with the documents.
            controller.recordTooLarge(epoch: epoch)
            for pending in items { retries.add(pending, rejected: true, status: 413, type: "request_entity_too_large", reason: "") }
        case 401, 403:
            try client.checkAccess(response, method: "POST", path: "/_bulk")
        case 429, 503, 500...:
            let type = response.json()?.value(at: "error.type")?.stringValue ?? "http_\(response.status)"
            let reason = response.errorSummary ?? "HTTP \(response.status)"
            // 502/504 from a gateway mean the cluster is briefly out of reach, like a 429: back off and shrink.
            let rejected =
                RetryPolicy.retryableStatuses.contains(response.status)
                || Self.verdict(status: response.status, errorType: type, versioning: options.versioning) == .rejected
            for pending in items { retries.add(pending, rejected: rejected, status: response.status, type: type, reason: reason) }
            if rejected { controller.recordRejection(epoch: epoch) }
        case 413:
            try fail(
                items[0], documents, status: 413, type: "request_entity_too_large",
                reason: "the document alone is larger than the target's http.max_content_length", run: &run)
        default:
            // A whole-request 4xx means the body itself was refused (a proxy, or a bug of ours): stop and say so.
            throw TernError(
                .httpStatus,
                "The \(client.displayName) refused POST /_bulk with HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? ""); no document of that request was written."
            )
        }
        try schedule(&retries, documents: documents, run: &run)
    }

    /// Requeues the documents to send again, all after one jittered backoff so they travel together; those out of
    /// attempts are failed.
    private func schedule(_ retries: inout Retries, documents: [Document], run: inout Run) throws {
        for (pending, status, type, reason) in retries.exhausted(
            maxRejections: options.maxItemRetries, patience: options.rejectionPatience, maxServerErrors: options.maxServerErrorRetries)
        {
            try fail(
                pending, documents, status: status, type: type, reason: "gave up after \(pending.failures) attempts: \(reason)", run: &run)
        }
        guard !retries.again.isEmpty else { return }
        let attempt = retries.again.map(\.failures).max() ?? 1
        let policy = RetryPolicy(
            settings: RetrySettings(maxAttempts: .max, initialBackoff: options.initialRetryDelay, maxBackoff: options.maxRetryDelay))
        let due = ContinuousClock.now + policy.delay(afterAttempt: attempt, using: &random)
        run.outcome.retriedItems += retries.again.count
        run.waiting.append(contentsOf: retries.again.map { (due, $0) })
        client.logger.debug(
            "bulk documents to send again",
            metadata: [
                "documents": "\(retries.again.count)", "concurrency": "\(controller.concurrency)",
                "batch_bytes": "\(controller.batchBytes)",
                "batch_documents": "\(controller.batchDocuments)",
            ])
    }

    private func fail(_ pending: Pending, _ documents: [Document], status: Int, type: String, reason: String, run: inout Run) throws {
        let failure = FailedDocument(document: documents[pending.index], status: status, errorType: type, reason: reason)
        run.outcome.failed.append(failure)
        try deadLetters?.append(failure)
    }
}

extension BulkWriter {
    /// One document on its way, with the attempts it has used.
    fileprivate struct Pending: Sendable {
        var index: Int
        var rejections = 0
        /// When the target first rejected this document; nil while it has not.
        var firstRejection: ContinuousClock.Instant?
        var serverErrors = 0
        /// Sends that came back rejected or failed.
        var failures: Int { rejections + serverErrors }
    }

    fileprivate struct Answer: Sendable {
        var response: SearchResponse
        /// Why the first attempt failed when the answer came from a second one.
        var firstFailure: TernError?
    }

    fileprivate enum Event: Sendable {
        case answered(items: [Pending], epoch: Int, answer: Answer)
        case wake(ContinuousClock.Instant)
    }

    /// The documents of one answer that go again.
    fileprivate struct Retries {
        var again: [Pending] = []
        var candidates: [(Pending, Int, String, String)] = []
        var sawRejection = false

        mutating func add(_ pending: Pending, rejected: Bool, status: Int, type: String, reason: String) {
            var pending = pending
            if rejected {
                pending.rejections += 1
                if pending.firstRejection == nil { pending.firstRejection = .now }
                sawRejection = true
            } else {
                pending.serverErrors += 1
            }
            candidates.append((pending, status, type, reason))
        }

        /// Splits the candidates into those with attempts left (kept in `again`) and those without (returned).
        mutating func exhausted(maxRejections: Int, patience: Duration, maxServerErrors: Int) -> [(Pending, Int, String, String)] {
            var out: [(Pending, Int, String, String)] = []
            let now = ContinuousClock.now
            for candidate in candidates {
                let pending = candidate.0
                let outOfPatience =
                    pending.rejections > maxRejections && pending.firstRejection.map { now - $0 >= patience } ?? true
                if outOfPatience || pending.serverErrors > maxServerErrors {
                    out.append(candidate)
                } else {
                    again.append(candidate.0)
                }
            }
            candidates = []
            return out
        }
    }

    /// The documents of one request and their estimated size in bytes.
    fileprivate typealias Batch = (items: [Pending], bytes: Int)

    /// The queue of one `write` call: fresh documents in order, and documents waiting out a backoff.
    fileprivate struct Run {
        let count: Int
        var nextFresh = 0
        var waiting: [(due: ContinuousClock.Instant, pending: Pending)] = []
        var outcome = BulkOutcome()

        init(count: Int) {
            self.count = count
        }

        var isDone: Bool { nextFresh == count && waiting.isEmpty }

        /// Whether a document could go now.
        func hasWork(now: ContinuousClock.Instant) -> Bool {
            nextFresh < count || waiting.contains { $0.due <= now }
        }
        var earliestDue: ContinuousClock.Instant? { waiting.map(\.due).min() }

        /// The next batch within the controller's limits and its estimated size: due retries first, then fresh
        /// documents; nil when nothing can go now. A document larger than the byte limit goes alone.
        mutating func takeBatch(_ documents: [Document], within controller: AIMDController, now: ContinuousClock.Instant = .now) -> Batch? {
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
                let size = BulkBody.estimatedSize(of: documents[waiting[index].pending.index])
                guard fits(size) else { return (items, bytes) }
                items.append(waiting.remove(at: index).pending)
                bytes += size
            }
            while nextFresh < count {
                let size = BulkBody.estimatedSize(of: documents[nextFresh])
                guard fits(size) else { break }
                items.append(Pending(index: nextFresh))
                bytes += size
                nextFresh += 1
            }
            return items.isEmpty ? nil : (items, bytes)
        }
    }
}
