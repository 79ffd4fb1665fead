import Coordination
import Foundation
import Logging
import SearchClient
import Synchronization
import TernCore
import TernTestSupport
import Testing

/// Workers coordinating through a real osmem-server: conditional writes decide who plans, who holds an item, and when
/// a lapsed lease may be taken over.
@Suite struct CoordinatorTests {
    static let logger = Logger(label: "test")

    static func plan(_ count: Int) -> Coordinator.Plan {
        Coordinator.Plan(
            items: (0..<count).map { (key: "logs/slice-\($0)-of-\(count)", unit: ["kind": "slice"], estimatedDocuments: 10) },
            versioning: "external", estimatedDocuments: count * 10)
    }

    static func worker(_ client: SearchClient, _ name: String, lease: Duration = .seconds(60), run: String = "test")
        -> Coordinator
    {
        Coordinator(
            index: CoordinationIndex(client: client, runName: run),
            settings: CoordinationSettings(lease: lease, poll: .milliseconds(50), giveUp: .seconds(5), worker: name), logger: logger)
    }

    @Test func onlyOneOfSeveralFirstWorkersPlansAndEveryItemIsClaimedOnce() async throws {
        try await OsmemServer.with { server in
            try await SearchClient.withClient(server.configuration(role: "target"), logger: Self.logger) { client in
                let plannings = Counter()
                let workers = (0..<4).map { Self.worker(client, "w\($0)") }
                let plans = try await withThrowingTaskGroup(of: PlanRecord.self) { group in
                    for worker in workers {
                        group.addTask {
                            try await worker.join(runKey: "k", description: "test") {
                                plannings.value.add(1, ordering: .relaxed)
                                return Self.plan(12)
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(plannings.value.load(ordering: .relaxed) == 1)
                #expect(Set(plans.map(\.generation)).count == 1)
                #expect(plans.allSatisfy { $0.items == 12 && $0.state == .ready })

                // Every worker claims until nothing is left: each item goes to exactly one of them.
                let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                    for worker in workers {
                        group.addTask {
                            var keys: [String] = []
                            while case .item(let lease) = try await worker.claim() {
                                let item = await lease.item
                                keys.append(item.key)
                                #expect(
                                    try await lease.finish(counts: WorkItem.Counts(read: 10, written: 10), seconds: 0.1, deadLetters: nil))
                            }
                            return keys
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(claimed.sorted() == Self.plan(12).items.map(\.key).sorted())
                #expect(try await workers[0].claim().isFinished)
                let items = try await workers[1].items()
                #expect(items.count == 12 && items.allSatisfy { $0.state == .done && $0.claims == 1 })
            }
        }
    }

    @Test func aLapsedLeaseIsTakenOverAndItsFormerHolderCanNeitherRenewNorFinish() async throws {
        try await OsmemServer.with { server in
            try await SearchClient.withClient(server.configuration(role: "target"), logger: Self.logger) { client in
                // Long enough that a loaded machine's slow requests do not decide the outcome.
                let first = Self.worker(client, "first", lease: .seconds(3))
                let second = Self.worker(client, "second", lease: .seconds(3))
                _ = try await first.join(runKey: "k", description: "test") { Self.plan(1) }
                _ = try await second.join(runKey: "k", description: "test") { Self.plan(1) }
                guard case .item(let held) = try await first.claim() else {
                    Issue.record("the first worker got no item")
                    return
                }
                #expect(
                    try await held.renew(
                        checkpoint: 500, counts: WorkItem.Counts(read: 500, written: 499, failed: 1), deadLetters: "host-a:/a.ndjson"))
                // The second worker sees the lease, and waits a whole lease from then before it takes it over: however
                // slow the machine, never sooner than a lease after the claim that first saw it began.
                let firstLook = ContinuousClock.now
                #expect(try await second.claim().isWait)
                var taken: ItemLease?
                while taken == nil, ContinuousClock.now - firstLook < .seconds(60) {
                    if case .item(let lease) = try await second.claim() {
                        taken = lease
                    } else {
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                guard let taken else {
                    Issue.record("the lapsed lease was not taken over")
                    return
                }
                #expect(ContinuousClock.now - firstLook > .seconds(3))
                let item = await taken.item
                #expect(item.owner == "second" && item.claims == 2)
                #expect(item.checkpoint == 500 && item.counts.read == 500)
                // The first worker's deadline passed (it stops writing) and its item is gone.
                await #expect(throws: ItemLease.Lost.self) { try await held.checkValid() }
                #expect(try await held.finish(counts: WorkItem.Counts(read: 1000), seconds: 1, deadLetters: nil) == false)
                #expect(
                    try await taken.finish(
                        counts: WorkItem.Counts(read: 1000, written: 998, failed: 2), seconds: 1, deadLetters: "host-b:/b.ndjson"))
                #expect(try await first.claim().isFinished)
                // Both holders' refusals are in their own files; the item names both.
                #expect(try await second.items().first?.deadLetters == "host-a:/a.ndjson, host-b:/b.ndjson")
            }
        }
    }

    @Test func aHolderThatLostItsItemFindsOutOnItsNextRenewal() async throws {
        try await OsmemServer.with { server in
            try await SearchClient.withClient(server.configuration(role: "target"), logger: Self.logger) { client in
                let first = Self.worker(client, "first", lease: .seconds(30))
                let second = Self.worker(client, "second", lease: .milliseconds(100))
                _ = try await first.join(runKey: "k", description: "test") { Self.plan(1) }
                _ = try await second.join(runKey: "k", description: "test") { Self.plan(1) }
                guard case .item(let held) = try await first.claim() else {
                    Issue.record("no item")
                    return
                }
                // The second worker judges with the lease the item states (30 s), not its own: no takeover.
                #expect(try await second.claim().isWait)
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await second.claim().isWait)
                #expect(try await held.renew(checkpoint: nil, counts: WorkItem.Counts()))
            }
        }
    }

    @Test func aWorkerWithOtherFlagsRefusesToJoin() async throws {
        try await OsmemServer.with { server in
            try await SearchClient.withClient(server.configuration(role: "target"), logger: Self.logger) { client in
                _ = try await Self.worker(client, "a").join(runKey: "k", description: "logs from A to B") { Self.plan(2) }
                let error = await #expect(throws: TernError.self) {
                    _ = try await Self.worker(client, "b").join(runKey: "other", description: "x") { Self.plan(2) }
                }
                #expect(error?.message.contains("logs from A to B") == true)
                #expect(error?.message.contains("--run-name") == true)
            }
        }
    }

    @Test func aPlannerThatStopsIsReplacedAndItsHalfWrittenPlanIgnored() async throws {
        try await OsmemServer.with { server in
            try await SearchClient.withClient(server.configuration(role: "target"), logger: Self.logger) { client in
                let dead = Self.worker(client, "dead", lease: .milliseconds(300))
                // The first planner dies while planning: its plan stays "planning" and is not renewed any more. It dies
                // once it is planning (its plan document written), however long a loaded machine takes to get there.
                let planningStarted = Atomic<Bool>(false)
                let planning = Task {
                    try await dead.join(runKey: "k", description: "test") {
                        planningStarted.store(true, ordering: .relaxed)
                        try await Task.sleep(for: .seconds(3600))
                        return Self.plan(3)
                    }
                }
                let deadline = ContinuousClock.now + .seconds(60)
                while !planningStarted.load(ordering: .relaxed), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(10))
                }
                let isPlanning = planningStarted.load(ordering: .relaxed)
                #expect(isPlanning, "the first planner never got to plan")
                planning.cancel()
                _ = await planning.result
                let started = ContinuousClock.now
                let plan = try await Self.worker(client, "next", lease: .milliseconds(300)).join(runKey: "k", description: "test") {
                    Self.plan(3)
                }
                #expect(plan.state == .ready && plan.owner == "next" && plan.items == 3)
                #expect(ContinuousClock.now - started >= .milliseconds(300))
            }
        }
    }

    @Test func aBusyCoordinationClusterIsWaitedForAndAnAbsentOneEndsInASentence() async throws {
        try await OsmemServer.with { server in
            let proxy = try FaultProxy(upstream: server.url)
            defer { proxy.stop() }
            try await SearchClient.withClient(
                proxy.configuration(role: "coordination", retries: RetrySettings(maxAttempts: 1)), logger: Self.logger
            ) {
                client in
                let patient = Coordinator(
                    index: CoordinationIndex(client: client, runName: "busy"),
                    settings: CoordinationSettings(lease: .seconds(5), poll: .milliseconds(50), giveUp: .seconds(30), worker: "w"),
                    logger: Self.logger)
                try await proxy.setBusy(true)
                let joining = Task { try await patient.join(runKey: "k", description: "test") { Self.plan(2) } }
                try await Task.sleep(for: .milliseconds(700))
                try await proxy.setBusy(false)
                let plan = try await joining.value
                #expect(plan.items == 2)
                #expect(try await proxy.stats().busyAnswers > 0)

                try await proxy.setBusy(true)
                // claim() itself sends once; the worker's loop retries it for giveUp, then says so.
                await #expect(throws: CoordinationIndex.Unavailable.self) { _ = try await patient.claim() }
                let hasty = Coordinator(
                    index: CoordinationIndex(client: client, runName: "busy"),
                    settings: CoordinationSettings(lease: .seconds(5), poll: .milliseconds(50), giveUp: .seconds(1), worker: "w2"),
                    logger: Self.logger)
                let sentence = await #expect(throws: TernError.self) {
                    _ = try await hasty.retrying("claim an item") { try await patient.claim() }
                }
                #expect(sentence?.exitCode == .unreachable)
                #expect(sentence?.message.contains("did not answer") == true)
            }
        }
    }
}

extension Coordinator.Claim {
    var isFinished: Bool {
        if case .finished = self { return true }
        return false
    }

    var isWait: Bool {
        if case .wait = self { return true }
        return false
    }
}

final class Counter: Sendable {
    let value = Atomic(0)
}
