import Logging
import NIOCore
import TernCore

/// Writes documents to a cluster through `_bulk`, as fast as the target takes them and without losing one.
///
/// Every decision is the ``BulkScheduler``'s (a state machine without I/O): concurrency and batch size grow while the
/// target accepts everything and halve when it pushes back; rejected documents, and only those, are sent again after a
/// backoff with jitter; documents the target refuses for good are reported (and kept in the dead-letter file when one
/// is given). The writer only performs what it decides: it builds bodies, sends them, sleeps until a timer is due, and
/// tells the scheduler what happened.
///
/// An actor: the scheduler, its controller and its concurrency limit are shared by all calls, so concurrent `write`
/// calls adapt together and never have more requests in flight between them than the limit.
public actor BulkWriter {
    public nonisolated let client: SearchClient
    public nonisolated let options: BulkWriterOptions
    public nonisolated let deadLetters: DeadLetterFile?
    private var scheduler: BulkScheduler
    /// The events of each `write` call in progress. A call performs the actions that concern its own documents; an
    /// action the scheduler hands out for another call (a slot this call freed) goes to that call's inbox.
    private var inboxes: [BulkScheduler.WriteID: AsyncStream<Event>.Continuation] = [:]

    public init(client: SearchClient, options: BulkWriterOptions = BulkWriterOptions(), deadLetters: DeadLetterFile? = nil) {
        self.client = client
        self.options = options
        self.deadLetters = deadLetters
        scheduler = BulkScheduler(options: options)
    }

    /// The controller's current limits.
    public var limits: (concurrency: Int, batchBytes: Int, batchDocuments: Int) {
        (scheduler.controller.concurrency, scheduler.controller.batchBytes, scheduler.controller.batchDocuments)
    }

    /// The controller as it stands (limits, epoch), for progress output and tests.
    public var controllerState: AIMDController { scheduler.controller }

    /// The most requests that were ever in flight at once (tests check the limit holds across calls).
    var peakSending: Int { scheduler.peakInFlight }

    /// ``write(_:)`` for documents whose sources are arrays (copied once into one buffer for all of them).
    public func write(_ documents: [Document]) async throws -> BulkOutcome {
        try await write(BulkDocument.page(documents))
    }

    /// Writes all of `documents` (split into batches by the controller's limits), retrying only rejected items with
    /// backoff and jitter until they succeed or use up their budget (`maxItemRetries` and `rejectionPatience`);
    /// returns when every document is written, already newer, or failed permanently.
    ///
    /// Documents with the same index and id in one call may be applied in any order; use external versioning when
    /// order matters.
    /// - Throws: `TernError` when the target cannot be reached after the cluster's retries (the caller stops and
    ///   resumes later: nothing is reported as written that the target did not acknowledge), answers with a body that
    ///   is not a `_bulk` answer, refuses the credentials, or when the dead-letter file cannot be written.
    public func write(_ documents: [BulkDocument]) async throws -> BulkOutcome {
        let (events, inbox) = AsyncStream.makeStream(of: Event.self)
        let (id, first) = scheduler.write(sizes: documents.map(BulkBody.estimatedSize), now: .now)
        inboxes[id] = inbox
        defer {
            inboxes[id] = nil
            inbox.finish()
        }
        var call = Call(id: id, documents: documents, inbox: inbox, query: query)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            var actions = first
            var response: SearchResponse?
            var iterator = events.makeAsyncIterator()
            do {
                while true {
                    for action in actions where action.write != id { inboxes[action.write]?.yield(.perform(action)) }
                    for action in actions where action.write == id {
                        if let outcome = try perform(action, for: &call, response: response, group: &group) { return outcome }
                    }
                    guard let event = await iterator.next() else { throw CancellationError() }
                    response = nil
                    switch event {
                    case .answered(let request, let answer, let received):
                        response = received
                        actions = scheduler.answered(request, answer, now: .now)
                    case .failed(let request, let error, let body):
                        call.bodies[request] = body
                        actions = scheduler.transportFailed(request, error, now: .now)
                    case .timer(let due):
                        actions = scheduler.timerFired(id, at: due, now: .now)
                    case .perform(let action):
                        actions = [action]
                    }
                }
            } catch {
                // The group cancels this call's requests still in flight; their slots go to the other calls.
                for action in scheduler.abandon(id, now: .now) { inboxes[action.write]?.yield(.perform(action)) }
                throw error
            }
        }
    }

    /// Performs one action of this call; returns the outcome when the call is finished.
    private func perform(
        _ action: BulkScheduler.Action, for call: inout Call, response: SearchResponse?, group: inout ThrowingTaskGroup<Void, any Error>
    ) throws -> BulkOutcome? {
        switch action {
        case .send(let request):
            let reuse = call.bodies.removeValue(forKey: request.id)
            if case .again(let failure) = request.delivery {
                client.logger.info(
                    "bulk request failed, sent again", metadata: ["error": "\(failure.message)", "documents": "\(request.positions.count)"])
            }
            let documents = call.documents
            let inbox = call.inbox
            let query = call.query
            group.addTask { [client, options] in
                // Built in the child task, off the actor: copying megabytes of sources runs in parallel. Built once: a
                // request sent again after a broken connection sends the same buffer.
                let body = reuse ?? BulkBody(options: options.bodyOptions, documents: documents, positions: request.positions).buffer
                do {
                    let response = try await client.send(
                        .POST, "/_bulk", query: query, body: body, contentType: "application/x-ndjson",
                        retries: request.delivery == .once ? RetrySettings(maxAttempts: 1) : nil)
                    inbox.yield(.answered(request.id, Self.answer(response), response))
                } catch {
                    let failure =
                        error as? TernError
                        ?? TernError(.connection, "The \(client.displayName) did not answer POST /_bulk: \(error).")
                    inbox.yield(.failed(request.id, failure, body))
                }
            }
        case .retry(_, let count, _):
            let limits = scheduler.controller
            client.logger.debug(
                "bulk documents to send again",
                metadata: [
                    "documents": "\(count)", "concurrency": "\(limits.concurrency)", "batch_bytes": "\(limits.batchBytes)",
                    "batch_documents": "\(limits.batchDocuments)",
                ])
        case .wake(_, let due):
            let inbox = call.inbox
            group.addTask {
                try? await Task.sleep(until: due, clock: .continuous)
                inbox.yield(.timer(due))
            }
        case .giveUp(_, let items):
            for item in items {
                let failure = FailedDocument(
                    document: call.documents[item.position].document, status: item.status, errorType: item.errorType, reason: item.reason)
                call.failed.append(failure)
                try deadLetters?.append(failure)
            }
        case .finish(_, let tally):
            let outcome = BulkOutcome(
                written: tally.written, alreadyNewer: tally.alreadyNewer, failed: call.failed, requests: tally.requests,
                retriedItems: tally.retriedItems)
            // Every document is counted exactly once; anything else would be a bug, and must not pass for success.
            guard tally.failed == call.failed.count, outcome.total == call.documents.count else {
                throw TernError(
                    .failedChecks,
                    "The bulk writer accounted for \(outcome.total) of \(call.documents.count) documents; treat this run as incomplete and run it again."
                )
            }
            return outcome
        case .fail(_, let failure):
            throw error(for: failure, response: response)
        }
        return nil
    }

    private func error(for failure: BulkScheduler.Failure, response: SearchResponse?) -> TernError {
        switch failure {
        case .transport(let error):
            return error
        case .unreadableAnswer(let detail, let count):
            return TernError(
                .badResponse,
                "The \(client.displayName) answered POST /_bulk with a body that is not a bulk answer (\(detail)); none of its \(count) documents is counted as written, run again to resume."
            )
        case .itemCount(let answered, let sent):
            return TernError(
                .badResponse,
                "The \(client.displayName) answered POST /_bulk with \(answered) results for \(sent) documents; none is counted as written, run again to resume."
            )
        case .refused(let status):
            if let response {
                do {
                    try client.checkAccess(response, method: "POST", path: "/_bulk")
                } catch let error as TernError {
                    return error
                } catch {}
            }
            return TernError(
                .httpStatus,
                "The \(client.displayName) refused POST /_bulk with HTTP \(status)\(response?.errorSummary.map { ": \($0)" } ?? ""); no document of that request was written."
            )
        }
    }

    /// What an answer says, read off the actor in the task that received it.
    static func answer(_ response: SearchResponse) -> BulkScheduler.Answer {
        guard response.isSuccess else {
            return .status(response.status, errorType: response.json()?.value(at: "error.type")?.stringValue, reason: response.errorSummary)
        }
        do {
            let summary = try BulkResponseScanner.scan(response.body)
            return .items(count: summary.itemCount, failures: summary.failures)
        } catch {
            return .unreadable("\(error)")
        }
    }

    private var query: [(String, String)] {
        var query = [("filter_path", BulkResponseScanner.filterPath)]
        if options.refresh { query.append(("refresh", "true")) }
        return query
    }
}

extension BulkWriter {
    /// What happened to one `write` call, in the order it happened.
    enum Event: Sendable {
        case answered(BulkScheduler.RequestID, BulkScheduler.Answer, SearchResponse)
        /// The request got no answer; its body is kept to send again.
        case failed(BulkScheduler.RequestID, TernError, ByteBuffer)
        case timer(ContinuousClock.Instant)
        /// An action the scheduler handed out for this call while handling another call's event.
        case perform(BulkScheduler.Action)
    }

    /// The state of one `write` call that only the writer needs: its documents, bodies to send again, timers.
    struct Call {
        let id: BulkScheduler.WriteID
        let documents: [BulkDocument]
        let inbox: AsyncStream<Event>.Continuation
        let query: [(String, String)]
        /// Bodies of requests that broke in transport, until they are sent again.
        var bodies: [BulkScheduler.RequestID: ByteBuffer] = [:]
        /// Documents given up, in the order they were decided.
        var failed: [FailedDocument] = []

        init(id: BulkScheduler.WriteID, documents: [BulkDocument], inbox: AsyncStream<Event>.Continuation, query: [(String, String)]) {
            self.id = id
            self.documents = documents
            self.inbox = inbox
            self.query = query
        }
    }
}
