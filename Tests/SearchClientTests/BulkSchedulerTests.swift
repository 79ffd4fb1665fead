import TernCore
import TernTestSupport
import Testing

@testable import SearchClient

/// The bulk writer's decisions, driven event by event without I/O or a clock: batches, the shared concurrency limit,
/// AIMD, item retries and their backoff, the patience rule for rejections, server-error budgets, dead letters,
/// whole-request answers, transport failures, and several writes at once.
@Suite struct BulkSchedulerTests {
    typealias Scheduler = BulkScheduler
    typealias Action = BulkScheduler.Action
    typealias Request = BulkScheduler.Request

    let t0 = ContinuousClock.now

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { t0 + .milliseconds(milliseconds) }

    /// Small limits so that a few documents exercise every rule: batches of 10 documents or 1,000 bytes, concurrency 2
    /// (1...4), retries after 100 ms doubling up to 1.6 s with the jitter at its ceiling.
    func scheduler(
        versioning: BulkWriterOptions.Versioning = .none, maxItemRetries: Int = 3, patience: Duration = .seconds(10),
        maxServerErrors: Int = 2, concurrency: Int = 2, batchDocuments: Int = 10, batchBytes: Int = 1000
    ) -> Scheduler {
        let limits = AIMDController.Settings(
            concurrency: 1...4, initialConcurrency: concurrency, batchBytes: 100...4000, initialBatchBytes: batchBytes,
            batchDocuments: 1...40, initialBatchDocuments: batchDocuments, bytesStep: 100, documentsStep: 2,
            successesPerConcurrencyStep: 3)
        let options = BulkWriterOptions(
            versioning: versioning, maxItemRetries: maxItemRetries, rejectionPatience: patience, maxServerErrorRetries: maxServerErrors,
            initialRetryDelay: .milliseconds(100), maxRetryDelay: .milliseconds(1600), limits: limits)
        return Scheduler(options: options, random: Ceiling())
    }

    /// Always the largest value: every jittered backoff is its ceiling, so the tests know when documents are due.
    struct Ceiling: RandomNumberGenerator {
        mutating func next() -> UInt64 { .max }
    }

    static func sends(_ actions: [Action]) -> [Request] {
        actions.compactMap { if case .send(let request) = $0 { request } else { nil } }
    }

    static func givenUp(_ actions: [Action]) -> [BulkScheduler.GivenUp] {
        actions.flatMap { action -> [BulkScheduler.GivenUp] in if case .giveUp(_, let items) = action { items } else { [] } }
    }

    static func finished(_ actions: [Action]) -> BulkScheduler.Tally? {
        actions.lazy.compactMap { if case .finish(_, let tally) = $0 { tally } else { nil } }.first
    }

    static func failure(_ actions: [Action]) -> BulkScheduler.Failure? {
        actions.lazy.compactMap { if case .fail(_, let failure) = $0 { failure } else { nil } }.first
    }

    static func wakes(_ actions: [Action]) -> [ContinuousClock.Instant] {
        actions.compactMap { if case .wake(_, let due) = $0 { due } else { nil } }
    }

    static func retries(_ actions: [Action]) -> [(documents: Int, at: ContinuousClock.Instant)] {
        actions.compactMap { if case .retry(_, let count, let due) = $0 { (count, due) } else { nil } }
    }

    static func accepted(_ request: Request) -> BulkScheduler.Answer {
        .items(count: request.positions.count, failures: [])
    }

    /// An answer where the items at `positions` (in the request) failed with `status` and `type`.
    static func failing(
        _ request: Request, _ positions: [Int], status: Int, type: String?, reason: String = "because", action: String = "index"
    ) -> BulkScheduler.Answer {
        .items(
            count: request.positions.count,
            failures: positions.map {
                BulkResponseScanner.Item(position: $0, action: action, status: status, errorType: type, errorReason: reason)
            })
    }

    static let rejected = "es_rejected_execution_exception"

    // MARK: Batches and the concurrency limit

    @Test func sendsAsManyBatchesAsTheConcurrencyAllows() {
        var scheduler = scheduler()
        let (write, actions) = scheduler.write(sizes: Array(repeating: 50, count: 35), now: t0)
        let sends = Self.sends(actions)
        #expect(sends.map(\.positions) == [Array(0..<10), Array(10..<20)])
        #expect(sends.allSatisfy { $0.write == write && $0.delivery == .once })
        #expect(scheduler.requestsInFlight == 2)
        #expect(Self.finished(actions) == nil)
    }

    @Test func anEmptyWriteFinishesAtOnce() {
        var scheduler = scheduler()
        let (_, actions) = scheduler.write(sizes: [], now: t0)
        #expect(actions.count == 1)
        #expect(Self.finished(actions) == BulkScheduler.Tally())
        #expect(scheduler.activeWrites == 0)
    }

    @Test func batchesAreCutByBytesAndAnOversizedDocumentGoesAlone() {
        var scheduler = scheduler(concurrency: 4)
        let (_, actions) = scheduler.write(sizes: [400, 400, 400, 5000, 100, 100], now: t0)
        #expect(Self.sends(actions).map(\.positions) == [[0, 1], [2], [3], [4, 5]])
    }

    @Test func anAnswerFreesItsSlotForTheNextBatch() {
        var scheduler = scheduler()
        let (_, first) = scheduler.write(sizes: Array(repeating: 50, count: 30), now: t0)
        let sends = Self.sends(first)
        let next = scheduler.answered(sends[0].id, Self.accepted(sends[0]), now: at(5))
        // The accepted batch grew the batch size from 10 to 12 documents.
        #expect(Self.sends(next).map(\.positions) == [Array(20..<30)])
        #expect(scheduler.controller.batchDocuments == 12)
        #expect(scheduler.requestsInFlight == 2)
    }

    @Test func finishesWhenEveryDocumentIsAccountedFor() {
        var scheduler = scheduler()
        let (_, first) = scheduler.write(sizes: Array(repeating: 50, count: 15), now: t0)
        let sends = Self.sends(first)
        #expect(sends.count == 2)
        #expect(Self.finished(scheduler.answered(sends[1].id, Self.accepted(sends[1]), now: at(1))) == nil)
        let last = scheduler.answered(sends[0].id, Self.accepted(sends[0]), now: at(2))
        #expect(Self.finished(last) == BulkScheduler.Tally(written: 15, requests: 2))
        #expect(scheduler.activeWrites == 0 && scheduler.requestsInFlight == 0)
    }

    @Test func concurrencyGrowsAfterAStreakOfAcceptedBatches() {
        var scheduler = scheduler(concurrency: 1, batchDocuments: 1)
        var (_, actions) = scheduler.write(sizes: Array(repeating: 10, count: 20), now: t0)
        for step in 0..<3 {
            let request = Self.sends(actions)[0]
            actions = scheduler.answered(request.id, Self.accepted(request), now: at(step))
        }
        // Three accepted batches in a row: one more request at a time.
        #expect(scheduler.controller.concurrency == 2)
        #expect(Self.sends(actions).count == 2)
    }

    @Test func neverMoreRequestsInFlightThanTheLimit() {
        var scheduler = scheduler(concurrency: 3)
        var pending: [Request] = []
        for _ in 0..<4 { pending += Self.sends(scheduler.write(sizes: Array(repeating: 50, count: 25), now: t0).1) }
        var clock = 0
        while let request = pending.first {
            pending.removeFirst()
            clock += 1
            pending += Self.sends(scheduler.answered(request.id, Self.accepted(request), now: at(clock)))
            #expect(scheduler.requestsInFlight <= scheduler.controller.concurrency)
        }
        #expect(scheduler.peakInFlight == 4, "three, then four after three accepted batches")
        #expect(scheduler.activeWrites == 0)
    }

    // MARK: Several writes share the limit

    @Test func aSlotFreedByOneWriteGoesToAWriteWithNothingInFlight() {
        var scheduler = scheduler()
        let (a, first) = scheduler.write(sizes: Array(repeating: 50, count: 40), now: t0)
        let (b, second) = scheduler.write(sizes: Array(repeating: 50, count: 10), now: at(1))
        #expect(Self.sends(second).isEmpty, "both slots are taken by the first write")
        let sent = Self.sends(first)
        let next = Self.sends(scheduler.answered(sent[0].id, Self.accepted(sent[0]), now: at(2)))
        #expect(next.map(\.write) == [b], "the write with nothing in flight goes first")
        #expect(next.first?.positions == Array(0..<10))
        let after = Self.sends(scheduler.answered(sent[1].id, Self.accepted(sent[1]), now: at(3)))
        #expect(after.map(\.write) == [a])
    }

    @Test func aFailedWriteHandsItsSlotsToTheOthers() {
        var scheduler = scheduler()
        let (a, first) = scheduler.write(sizes: Array(repeating: 50, count: 20), now: t0)
        let (b, _) = scheduler.write(sizes: Array(repeating: 50, count: 20), now: t0)
        let sent = Self.sends(first)
        let actions = scheduler.answered(sent[0].id, .status(400, errorType: "illegal_argument_exception", reason: "no"), now: at(1))
        #expect(Self.failure(actions) == .refused(status: 400))
        #expect(actions.last == .fail(a, .refused(status: 400)))
        #expect(Self.sends(actions).map(\.write) == [b, b], "both of the failed write's slots are free")
        // The failed write's other request answers late: it is ignored.
        let late = scheduler.answered(sent[1].id, Self.accepted(sent[1]), now: at(2))
        #expect(late.isEmpty)
        #expect(scheduler.requestsInFlight == 2)
    }

    @Test func anAbandonedWriteHandsItsSlotsToTheOthers() {
        var scheduler = scheduler()
        let (a, first) = scheduler.write(sizes: Array(repeating: 50, count: 20), now: t0)
        let (b, _) = scheduler.write(sizes: Array(repeating: 50, count: 5), now: t0)
        let actions = scheduler.abandon(a, now: at(1))
        #expect(Self.sends(actions).map(\.write) == [b])
        #expect(Self.sends(actions).first?.positions == Array(0..<5))
        let sent = Self.sends(first)
        #expect(scheduler.transportFailed(sent[0].id, TernError(.connection, "gone"), now: at(2)).isEmpty)
        #expect(scheduler.abandon(a, now: at(3)).isEmpty, "abandoning twice changes nothing")
    }

    // MARK: Item outcomes

    @Test func versionConflictsAreAlreadyNewerUnderExternalVersioning() {
        var scheduler = scheduler(versioning: .external)
        let (_, first) = scheduler.write(sizes: Array(repeating: 50, count: 4), now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(
            request.id, Self.failing(request, [1, 3], status: 409, type: "version_conflict_engine_exception"), now: at(1))
        #expect(Self.finished(actions) == BulkScheduler.Tally(written: 2, alreadyNewer: 2, requests: 1))
        #expect(Self.givenUp(actions).isEmpty)
    }

    @Test func versionConflictsWithoutVersioningAreFailures() {
        var scheduler = scheduler(versioning: .none)
        let (_, first) = scheduler.write(sizes: Array(repeating: 50, count: 4), now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(
            request.id, Self.failing(request, [2], status: 409, type: "version_conflict_engine_exception"), now: at(1))
        #expect(Self.givenUp(actions).map(\.position) == [2])
        #expect(Self.finished(actions) == BulkScheduler.Tally(written: 3, failed: 1, requests: 1))
    }

    @Test func mappingErrorsAreGivenUpAtOnceAndSayNothingAboutLoad() {
        var scheduler = scheduler()
        let (_, first) = scheduler.write(sizes: Array(repeating: 50, count: 12), now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(
            request.id, Self.failing(request, [0, 4], status: 400, type: "strict_dynamic_mapping_exception", reason: "extra"),
            now: at(1))
        #expect(
            Self.givenUp(actions) == [
                .init(position: 0, status: 400, errorType: "strict_dynamic_mapping_exception", reason: "extra"),
                .init(position: 4, status: 400, errorType: "strict_dynamic_mapping_exception", reason: "extra"),
            ])
        #expect(Self.retries(actions).isEmpty)
        #expect(scheduler.controller.batchDocuments == 12, "the batch went in whole: the limits grow")
        #expect(scheduler.controller.epoch == 0)
    }

    @Test func aDeletionOfAMissingDocumentIsWritten() {
        var scheduler = scheduler()
        let (_, first) = scheduler.write(sizes: [10, 10], now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(request.id, Self.failing(request, [1], status: 404, type: nil, action: "delete"), now: at(1))
        #expect(Self.finished(actions) == BulkScheduler.Tally(written: 2, requests: 1))
    }

    @Test func verdicts() {
        #expect(Scheduler.verdict(status: 201, errorType: nil, versioning: .none) == .written)
        #expect(Scheduler.verdict(status: 429, errorType: "es_rejected_execution_exception", versioning: .none) == .rejected)
        #expect(Scheduler.verdict(status: 429, errorType: "rejected_execution_exception", versioning: .none) == .rejected)
        #expect(Scheduler.verdict(status: 429, errorType: "circuit_breaking_exception", versioning: .none) == .rejected)
        #expect(Scheduler.verdict(status: 503, errorType: "unavailable_shards_exception", versioning: .none) == .rejected)
        #expect(Scheduler.verdict(status: 500, errorType: "null_pointer_exception", versioning: .none) == .serverError)
        #expect(Scheduler.verdict(status: 400, errorType: "mapper_parsing_exception", versioning: .external) == .permanent)
        #expect(Scheduler.verdict(status: 404, errorType: nil, versioning: .none) == .permanent, "an index action that is not found")
        #expect(Scheduler.verdict(status: 409, errorType: "version_conflict_engine_exception", versioning: .externalGTE) == .alreadyNewer)
    }

    // MARK: Rejections, backoff and patience

    @Test func rejectedDocumentsAloneGoAgainAfterABackoff() {
        var scheduler = scheduler()
        let (write, first) = scheduler.write(sizes: Array(repeating: 50, count: 10), now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(request.id, Self.failing(request, [2, 5, 7], status: 429, type: Self.rejected), now: at(10))
        // The first backoff's ceiling is 100 ms.
        #expect(Self.retries(actions).map(\.documents) == [3])
        #expect(Self.retries(actions).map(\.at) == [at(110)])
        #expect(actions.contains(.wake(write, at: at(110))))
        #expect(Self.sends(actions).isEmpty, "not before the backoff")
        #expect(scheduler.controller.concurrency == 1 && scheduler.controller.epoch == 1, "a rejection halves the limits")
        #expect(Self.sends(scheduler.timerFired(write, at: at(110), now: at(60))).isEmpty, "an early timer sends nothing")
        let again = Self.sends(scheduler.timerFired(write, at: at(110), now: at(110)))
        #expect(again.map(\.positions) == [[2, 5, 7]])
        let done = scheduler.answered(again[0].id, Self.accepted(again[0]), now: at(120))
        #expect(Self.finished(done) == BulkScheduler.Tally(written: 10, requests: 2, retriedItems: 3))
    }

    @Test func documentsDueAgainGoBeforeFreshOnes() {
        var scheduler = scheduler(concurrency: 1)
        let (write, first) = scheduler.write(sizes: Array(repeating: 50, count: 30), now: t0)
        let request = Self.sends(first)[0]
        var actions = scheduler.answered(request.id, Self.failing(request, [0, 1], status: 429, type: Self.rejected), now: at(1))
        // Halved to 5 documents a batch; the slot is free at once, the two rejected documents are not due yet.
        #expect(Self.sends(actions).map(\.positions) == [Array(10..<15)])
        let fresh = Self.sends(actions)[0]
        actions = scheduler.timerFired(write, at: at(101), now: at(101))
        #expect(Self.sends(actions).isEmpty, "the only slot is busy")
        actions = scheduler.answered(fresh.id, Self.accepted(fresh), now: at(102))
        // The accepted batch grew the batch from 5 to 7 documents; the due ones go first.
        #expect(Self.sends(actions).map(\.positions) == [[0, 1, 15, 16, 17, 18, 19]])
    }

    @Test func theBackoffDoublesWithEachAttemptUpToItsMaximum() {
        var scheduler = scheduler(maxItemRetries: 100, patience: .seconds(1000))
        var (write, actions) = scheduler.write(sizes: [50], now: t0)
        var now = 0
        var backoffs: [Int] = []
        for _ in 0..<7 {
            let request = Self.sends(actions)[0]
            actions = scheduler.answered(request.id, Self.failing(request, [0], status: 429, type: Self.rejected), now: at(now))
            let due = Self.retries(actions)[0].at
            backoffs.append(Int((due - at(now)) / .milliseconds(1)))
            now = Int((due - t0) / .milliseconds(1))
            actions = scheduler.timerFired(write, at: due, now: due)
        }
        #expect(backoffs == [100, 200, 400, 800, 1600, 1600, 1600])
    }

    @Test func aRejectedDocumentIsKeptUntilItUsedItsRetriesAndItsPatience() {
        var scheduler = scheduler(maxItemRetries: 2, patience: .seconds(10))
        var (write, actions) = scheduler.write(sizes: [50, 50], now: t0)
        var now = at(0)
        var rounds = 0
        while true {
            let request = Self.sends(actions)[0]
            rounds += 1
            actions = scheduler.answered(request.id, Self.failing(request, [0], status: 429, type: Self.rejected), now: now)
            if !Self.givenUp(actions).isEmpty { break }
            // Three rejections use up the count long before ten seconds: patience keeps the document going.
            #expect(rounds < 20)
            let due = Self.retries(actions)[0].at
            now = due
            actions = scheduler.timerFired(write, at: due, now: now)
        }
        #expect(now - t0 >= .seconds(10))
        #expect(rounds > 3)
        let givenUp = Self.givenUp(actions)
        #expect(givenUp.map(\.position) == [0])
        #expect(givenUp[0].status == 429 && givenUp[0].errorType == Self.rejected)
        #expect(givenUp[0].reason == "gave up after \(rounds) attempts: because")
        #expect(Self.finished(actions) == BulkScheduler.Tally(written: 1, failed: 1, requests: rounds, retriedItems: rounds - 1))
    }

    @Test func patienceAloneDoesNotGiveADocumentUp() {
        var scheduler = scheduler(maxItemRetries: 3, patience: .milliseconds(1))
        var (write, actions) = scheduler.write(sizes: [50], now: t0)
        var rejections = 0
        var now = t0
        while Self.givenUp(actions).isEmpty {
            let request = Self.sends(actions)[0]
            rejections += 1
            actions = scheduler.answered(request.id, Self.failing(request, [0], status: 429, type: Self.rejected), now: now)
            if let due = Self.retries(actions).first?.at {
                now = due
                actions = scheduler.timerFired(write, at: due, now: now)
            }
        }
        #expect(rejections == 4, "the first send and maxItemRetries re-sends")
    }

    @Test func oneBurstOfRejectionsHalvesTheLimitsOnce() {
        var scheduler = scheduler(concurrency: 4)
        let (_, first) = scheduler.write(sizes: Array(repeating: 10, count: 40), now: t0)
        let sends = Self.sends(first)
        #expect(sends.count == 4)
        for request in sends {
            _ = scheduler.answered(request.id, Self.failing(request, [0], status: 429, type: Self.rejected), now: at(1))
        }
        #expect(scheduler.controller.epoch == 1)
        #expect(scheduler.controller.concurrency == 2)
    }

    @Test func rejectedTogetherTravelTogether() {
        var scheduler = scheduler()
        let (write, first) = scheduler.write(sizes: Array(repeating: 50, count: 20), now: t0)
        let sends = Self.sends(first)
        let one = scheduler.answered(sends[0].id, Self.failing(sends[0], [1, 2], status: 429, type: Self.rejected), now: at(0))
        let two = scheduler.answered(sends[1].id, Self.failing(sends[1], [3], status: 429, type: Self.rejected), now: at(50))
        #expect(Self.wakes(one) == [at(100)])
        #expect(Self.wakes(two).isEmpty, "a wake-up is already due before this backoff ends")
        let woken = scheduler.timerFired(write, at: at(100), now: at(100))
        #expect(Self.sends(woken).map(\.positions) == [[1, 2]])
        // The second batch's document waits for its own backoff: the next wake-up is for it.
        #expect(Self.wakes(woken) == [at(150)])
        let request = Self.sends(woken)[0]
        let done = scheduler.answered(request.id, Self.accepted(request), now: at(120))
        #expect(Self.wakes(done).isEmpty && Self.sends(done).isEmpty)
        #expect(Self.sends(scheduler.timerFired(write, at: at(150), now: at(150))).map(\.positions) == [[13]])
    }

    // MARK: Server errors

    @Test func serverErrorsAreRetriedWithinTheirBudgetWithoutShrinking() {
        var scheduler = scheduler(maxServerErrors: 2)
        var (write, actions) = scheduler.write(sizes: [50, 50], now: t0)
        var sends = 0
        var now = t0
        while Self.finished(actions) == nil {
            let request = Self.sends(actions)[0]
            sends += 1
            actions = scheduler.answered(request.id, Self.failing(request, [0], status: 500, type: "null_pointer_exception"), now: now)
            if let due = Self.retries(actions).first?.at {
                now = due
                actions = scheduler.timerFired(write, at: due, now: now)
            }
        }
        #expect(sends == 3, "the first send and two re-sends")
        #expect(Self.givenUp(actions).map(\.reason) == ["gave up after 3 attempts: because"])
        #expect(scheduler.controller.epoch == 0, "a server error is not pushback")
    }

    // MARK: Whole-request answers

    @Test func aWhole429SendsEveryDocumentAgainAndShrinks() {
        var scheduler = scheduler()
        let (_, first) = scheduler.write(sizes: Array(repeating: 50, count: 10), now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(request.id, .status(429, errorType: nil, reason: nil), now: at(1))
        #expect(Self.retries(actions).map(\.documents) == [10])
        #expect(scheduler.controller.epoch == 1)
    }

    @Test(arguments: [502, 503, 504])
    func aGatewayOrUnavailableAnswerIsPushback(status: Int) {
        var scheduler = scheduler()
        let (_, first) = scheduler.write(sizes: Array(repeating: 50, count: 10), now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(request.id, .status(status, errorType: nil, reason: nil), now: at(1))
        #expect(Self.retries(actions).map(\.documents) == [10])
        #expect(scheduler.controller.epoch == 1)
    }

    @Test func aWhole500IsAServerErrorAndNamesItsType() {
        var scheduler = scheduler(maxServerErrors: 0)
        let (_, first) = scheduler.write(sizes: [50, 50], now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(request.id, .status(500, errorType: nil, reason: nil), now: at(1))
        #expect(
            Self.givenUp(actions) == [
                .init(position: 0, status: 500, errorType: "http_500", reason: "gave up after 1 attempts: HTTP 500"),
                .init(position: 1, status: 500, errorType: "http_500", reason: "gave up after 1 attempts: HTTP 500"),
            ])
        #expect(scheduler.controller.epoch == 0)
    }

    @Test func aWholeAnswerWithARejectionTypeIsPushback() {
        var scheduler = scheduler()
        let (_, first) = scheduler.write(sizes: [50], now: t0)
        let request = Self.sends(first)[0]
        _ = scheduler.answered(request.id, .status(500, errorType: "circuit_breaking_exception", reason: "too much"), now: at(1))
        #expect(scheduler.controller.epoch == 1)
    }

    @Test func aTooLargeBodyHalvesTheBytesAndGoesAgain() {
        var scheduler = scheduler(batchBytes: 1000)
        let (_, first) = scheduler.write(sizes: Array(repeating: 100, count: 8), now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(request.id, .status(413, errorType: nil, reason: nil), now: at(1))
        #expect(scheduler.controller.batchBytes == 500)
        #expect(scheduler.controller.batchDocuments == 10 && scheduler.controller.concurrency == 2)
        #expect(Self.retries(actions).map(\.documents) == [8])
        #expect(Self.givenUp(actions).isEmpty)
    }

    @Test func aDocumentTooLargeAloneIsGivenUp() {
        var scheduler = scheduler()
        let (_, first) = scheduler.write(sizes: [5000], now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(request.id, .status(413, errorType: nil, reason: nil), now: at(1))
        #expect(Self.givenUp(actions).map(\.errorType) == ["request_entity_too_large"])
        #expect(Self.finished(actions) == BulkScheduler.Tally(failed: 1, requests: 1))
    }

    @Test(arguments: [400, 401, 403, 404, 302])
    func aRefusedRequestFailsTheWrite(status: Int) {
        var scheduler = scheduler()
        let (write, first) = scheduler.write(sizes: [50], now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(request.id, .status(status, errorType: nil, reason: nil), now: at(1))
        #expect(actions == [.fail(write, .refused(status: status))])
        #expect(scheduler.activeWrites == 0 && scheduler.requestsInFlight == 0)
    }

    @Test func anUnreadableAnswerFailsTheWriteAndCountsNothing() {
        var scheduler = scheduler()
        let (write, first) = scheduler.write(sizes: [50, 50], now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(request.id, .unreadable("not json"), now: at(1))
        #expect(actions == [.fail(write, .unreadableAnswer("not json", documents: 2))])
    }

    @Test func anAnswerWithTheWrongNumberOfItemsFailsTheWrite() {
        var scheduler = scheduler()
        let (write, first) = scheduler.write(sizes: [50, 50, 50], now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.answered(request.id, .items(count: 2, failures: []), now: at(1))
        #expect(actions == [.fail(write, .itemCount(answered: 2, sent: 3))])
    }

    // MARK: Transport failures

    @Test func aBrokenConnectionSendsTheSameBodyAgainWithTheClientsRetries() {
        var scheduler = scheduler()
        let (_, first) = scheduler.write(sizes: Array(repeating: 50, count: 10), now: t0)
        let request = Self.sends(first)[0]
        let error = TernError(.connection, "reset")
        let actions = scheduler.transportFailed(request.id, error, now: at(1))
        #expect(
            actions == [.send(Request(id: request.id, write: request.write, positions: request.positions, delivery: .again(after: error)))])
        #expect(scheduler.controller.epoch == 0, "a broken connection is not pushback")
        #expect(scheduler.requestsInFlight == 1)
        let done = scheduler.answered(request.id, Self.accepted(request), now: at(2))
        #expect(Self.finished(done) == BulkScheduler.Tally(written: 10, requests: 1))
    }

    @Test func aTimeoutIsPushback() {
        var scheduler = scheduler()
        let (_, first) = scheduler.write(sizes: Array(repeating: 50, count: 10), now: t0)
        let request = Self.sends(first)[0]
        let actions = scheduler.transportFailed(request.id, TernError(.timeout, "slow"), now: at(1))
        #expect(Self.sends(actions).map(\.id) == [request.id])
        #expect(scheduler.controller.epoch == 1)
    }

    @Test func aSecondTransportFailureFailsTheWrite() {
        var scheduler = scheduler()
        let (write, first) = scheduler.write(sizes: [50], now: t0)
        let request = Self.sends(first)[0]
        _ = scheduler.transportFailed(request.id, TernError(.connectionRefused, "refused"), now: at(1))
        let error = TernError(.connectionRefused, "still refused")
        #expect(scheduler.transportFailed(request.id, error, now: at(2)) == [.fail(write, .transport(error))])
        #expect(scheduler.activeWrites == 0)
    }

    @Test func aTransportFailureThatNoRetryFixesFailsTheWriteAtOnce() {
        var scheduler = scheduler()
        let (write, first) = scheduler.write(sizes: [50], now: t0)
        let request = Self.sends(first)[0]
        let error = TernError(.tls, "untrusted certificate")
        #expect(scheduler.transportFailed(request.id, error, now: at(1)) == [.fail(write, .transport(error))])
    }

    // MARK: Whatever happens, every document is counted once

    /// A target that answers each request at random (accepted, items rejected, server errors, mapping errors, whole
    /// 429s, dropped connections), several writes at once, time moving forward: each write finishes with every document
    /// counted exactly once, no document is in two requests at once, and the limit always holds.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomTargetsNeverLoseOrDoubleCountADocument(seed: UInt64) {
        var random = SplitMix(seed: seed)
        var scheduler = scheduler(maxItemRetries: 2, patience: .milliseconds(500), maxServerErrors: 1, concurrency: 3)
        var sizes: [BulkScheduler.WriteID: Int] = [:]
        var inFlight: [BulkScheduler.RequestID: Request] = [:]
        var wakes: [(BulkScheduler.WriteID, ContinuousClock.Instant)] = []
        var finished: [BulkScheduler.WriteID: BulkScheduler.Tally] = [:]
        var givenUp: [BulkScheduler.WriteID: Set<Int>] = [:]
        var busy: [BulkScheduler.WriteID: Set<Int>] = [:]
        var now = t0

        func take(_ actions: [Action]) {
            for action in actions {
                switch action {
                case .send(let request):
                    if request.delivery == .once {
                        for position in request.positions {
                            let fresh = busy[request.write, default: []].insert(position).inserted
                            #expect(fresh, "position \(position) sent twice at once")
                        }
                    }
                    inFlight[request.id] = request
                case .wake(let write, let due): wakes.append((write, due))
                case .retry: break
                case .giveUp(let write, let items):
                    for item in items {
                        let fresh = givenUp[write, default: []].insert(item.position).inserted
                        #expect(fresh, "position \(item.position) given up twice")
                    }
                case .finish(let write, let tally):
                    #expect(finished[write] == nil)
                    finished[write] = tally
                case .fail(let write, let failure): Issue.record("\(write) failed: \(failure)")
                }
            }
            // Requests sent before the limits halved may exceed the new limit; a new one is sent only below it.
            if actions.contains(where: { if case .send(let request) = $0 { request.delivery == .once } else { false } }) {
                #expect(scheduler.requestsInFlight <= scheduler.controller.concurrency)
            }
        }

        for _ in 0..<4 {
            let count = Int(random.next() % 60)
            let (write, actions) = scheduler.write(sizes: (0..<count).map { _ in 50 + Int(random.next() % 400) }, now: now)
            sizes[write] = count
            take(actions)
        }
        var steps = 0
        while finished.count < sizes.count {
            steps += 1
            guard steps < 100_000 else {
                Issue.record("no progress")
                return
            }
            now = now + .milliseconds(Int(random.next() % 20))
            guard let id = inFlight.keys.sorted(by: { $0.value < $1.value }).randomElement(using: &random), let request = inFlight[id]
            else {
                // Nothing in flight: time moves to the earliest wake-up.
                guard let next = wakes.min(by: { $0.1 < $1.1 }) else {
                    Issue.record("stuck: nothing in flight and no wake-up")
                    return
                }
                wakes.removeAll { $0.0 == next.0 && $0.1 == next.1 }
                now = max(now, next.1)
                take(scheduler.timerFired(next.0, at: next.1, now: now))
                continue
            }
            inFlight[id] = nil
            if request.delivery == .once && random.next() % 10 == 0 {
                take(scheduler.transportFailed(id, TernError(.connection, "dropped"), now: now))
                continue
            }
            for position in request.positions { busy[request.write]?.remove(position) }
            switch random.next() % 8 {
            case 0: take(scheduler.answered(id, .status(429, errorType: nil, reason: nil), now: now))
            default:
                var failures: [BulkResponseScanner.Item] = []
                for position in request.positions.indices {
                    switch random.next() % 10 {
                    case 0, 1, 2: failures.append(.init(position: position, action: "index", status: 429, errorType: Self.rejected))
                    case 3: failures.append(.init(position: position, action: "index", status: 500, errorType: "oops"))
                    case 4: failures.append(.init(position: position, action: "index", status: 400, errorType: "mapper_parsing_exception"))
                    default: break
                    }
                }
                take(scheduler.answered(id, .items(count: request.positions.count, failures: failures), now: now))
            }
        }
        for (write, count) in sizes {
            let tally = finished[write]
            #expect(tally?.total == count, "\(write)")
            #expect(tally?.failed == givenUp[write, default: []].count)
        }
        #expect(scheduler.activeWrites == 0 && scheduler.requestsInFlight == 0)
    }

    /// A small seeded generator for the random target.
    typealias SplitMix = SeededRandom
}
