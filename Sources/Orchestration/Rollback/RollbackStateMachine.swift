import Capture
import Foundation
import Metadata
import TernCore

/// The decisions of `tern rollback`, without I/O: what a rollback does (finish a partial cutover's abort, roll back a
/// completed one, or nothing), which step comes next, what a resumed rollback skips, and how it ends.
///
/// The runner feeds it events and performs the ``Action`` each returns, as for ``CutoverStateMachine``. A failed step
/// stops the rollback where it is (nothing is undone: clients are on their way back to the source); the next start
/// resumes there.
public struct RollbackStateMachine: Sendable {
    /// What `tern rollback` does, from the latest cutover and rollback the state store holds.
    public enum Decision: Sendable, Equatable {
        /// The latest cutover is unfinished: finish its abort (``CutoverStateMachine/Event/rollbackRequested(recorded:cutoverID:)``).
        case finishCutoverAbort(OperationRecord)
        /// Roll back after this completed cutover (resuming an unfinished rollback of it).
        case rollBack(after: OperationRecord)
        /// No cutover has completed since the last rollback.
        case nothing
    }

    /// What `tern rollback` does now.
    public static func decide(latestCutover: OperationRecord?, latestRollback: OperationRecord?) -> Decision {
        if let cutover = latestCutover, cutover.status == .running { return .finishCutoverAbort(cutover) }
        if let cutover = activeCompletedCutover(latestCutover: latestCutover, latestRollback: latestRollback) {
            return .rollBack(after: cutover)
        }
        // A rollback that was stopped began after its cutover: it still rolls that cutover back.
        if latestRollback?.status == .running, let cutover = latestCutover { return .rollBack(after: cutover) }
        return .nothing
    }

    /// The latest cutover when it completed and no rollback started after it: clients are on the target.
    public static func activeCompletedCutover(latestCutover: OperationRecord?, latestRollback: OperationRecord?) -> OperationRecord? {
        guard let cutover = latestCutover, cutover.kind == .cutover, cutover.status == .completed else { return nil }
        if let rollback = latestRollback, rollback.startedAt >= cutover.startedAt { return nil }
        return cutover
    }

    /// The source indices a cutover blocked, from its saved facts (never the operator's own blocks).
    public static func blockedIndices(of cutover: OperationRecord) -> [String] {
        cutover.step(CutoverStep.blockSource)?.savedFacts?.blockedIndices ?? []
    }

    /// The monitors a cutover switched to the target, from its saved facts (never those the operator had disabled).
    public static func switchedMonitors(of cutover: OperationRecord) -> [MonitorPair] {
        cutover.step(CutoverStep.switchMonitors)?.savedFacts?.monitors ?? []
    }

    public struct Configuration: Sendable, Equatable {
        /// Clients write through the tern proxy, which can hold their writes and route them to either cluster.
        public var proxy: Bool
        /// `cutover.hooks.rollback`: commands that move clients back to the source, in order.
        public var rollbackHooks: [HookCommand]
        /// The source indices the cutover blocked (``RollbackStateMachine/blockedIndices(of:)``).
        public var blockedIndices: [String]
        /// The share of documents the reverse check compares, for its detail.
        public var sampleRate: Double
        /// The migration's renames reversed (`target-name:source-name`), for the repair the ending suggests: without
        /// them it would compare the target's indices with source indices of the same name.
        public var reverseRenames: [String]
        /// The monitors the cutover switched (``RollbackStateMachine/switchedMonitors(of:)``).
        public var monitors: [MonitorPair]

        public init(
            proxy: Bool, rollbackHooks: [HookCommand] = [], blockedIndices: [String], sampleRate: Double, reverseRenames: [String] = [],
            monitors: [MonitorPair] = []
        ) {
            self.proxy = proxy
            self.rollbackHooks = rollbackHooks
            self.blockedIndices = blockedIndices
            self.sampleRate = sampleRate
            self.reverseRenames = reverseRenames
            self.monitors = monitors
        }
    }

    /// What the runner does between two events; each names the event that reports it.
    public enum Work: Sendable, Equatable {
        /// The proxy holds new writes; wait until none is in flight: ``Event/writesHeld(waiting:)``.
        case holdWrites
        /// Remove the write block from these source indices: ``Event/writeBlockRemoved``.
        case removeWriteBlock([String])
        /// Replay the target-side capture log to the source: ``Event/drainedBack(_:detail:)``.
        case drainBack
        /// Compare counts and a sample, target to source: ``Event/verified(passed:summary:)``.
        case verify
        /// Run one hook: ``Event/hookFinished(_:)``.
        case runHook(HookCommand)
        /// Have the proxy route clients to this side: ``Event/routed``.
        case route(ProxyMode)
        /// Enable these monitors on the source, then disable them on the target: ``Event/monitorsRestored``.
        case restoreMonitors([MonitorPair])
    }

    public enum Event: Sendable, Equatable {
        /// The rollback started: a new one (nothing recorded), or an unfinished one resumed with the steps its journal
        /// recorded, wherever the last attempt stopped, a kill included.
        case started(recorded: [OperationStep])
        case writesHeld(waiting: Int64)
        case writeBlockRemoved
        /// The replay ended: done, or skipped when there is no target-side capture log.
        case drainedBack(OperationStep.Status, detail: String)
        /// The reverse comparison ran; differences are reported, they do not stop the rollback.
        case verified(passed: Bool, summary: String)
        case hookFinished(HookOutcome)
        case routed
        case monitorsRestored
        /// The work failed: its reason (without the final full stop) and the exit code it means.
        case failed(reason: String, exitCode: TernExitCode)
    }

    public typealias Action = OperationAction<RollbackStep, Work>
    typealias Entry = JournalEntry<RollbackStep>

    private enum State: Sendable {
        case idle
        case running(RollbackStep, Work)
        case finished
    }

    public let configuration: Configuration
    private var state = State.idle
    private var statuses: [RollbackStep: OperationStep.Status] = [:]
    private var hookProgress: HookProgress
    /// The reverse comparison of this attempt, for the outcome.
    public private(set) var gates: [GateAnswer] = []
    /// The hooks this attempt ran, for the outcome.
    public private(set) var hooks: [HookOutcome] = []

    public init(configuration: Configuration) {
        self.configuration = configuration
        hookProgress = HookProgress(configuration.rollbackHooks, role: .rollback, done: nil)
    }

    /// Takes one event and says what to do next.
    public mutating func receive(_ event: Event) -> Action {
        switch (state, event) {
        case (.idle, .started(let recorded)):
            var hooksRun: Int?
            for step in recorded {
                guard let name = step.name(as: RollbackStep.self) else { continue }
                statuses[name] = step.status
                if name == .switchClients { hooksRun = step.savedFacts?.hooksRun }
            }
            hookProgress = HookProgress(configuration.rollbackHooks, role: .rollback, done: hooksRun)
            return advance(after: nil)

        case (.running(.holdWrites, .holdWrites), .writesHeld(let waiting)):
            return finish(.holdWrites, .done, detail: "the proxy holds writes; none in flight, \(waiting) waiting")

        case (.running(.unblockSource, .removeWriteBlock(let indices)), .writeBlockRemoved):
            return finish(.unblockSource, .done, detail: "write block removed from \(indices.count) source indices")

        case (.running(.drainBack, .drainBack), .drainedBack(let status, let detail)):
            return finish(.drainBack, status, detail: detail)

        case (.running(.verify, .verify), .verified(let passed, let summary)):
            gates.append(GateAnswer(gate: "reverse validation", passed: passed, blocking: false, detail: summary))
            return finish(
                .verify, .done, detail: "target to source, \(CutoverPreconditions.percent(configuration.sampleRate)) sample: \(summary)")

        case (.running(.switchClients, .runHook), .hookFinished(let outcome)):
            hooks.append(outcome)
            let record: [Entry] = [.hookRan(.switchClients, summary: outcome.summary)]
            if let reason = hookProgress.finished(outcome) {
                return stop(.switchClients, reason: reason, exitCode: .failure, record: record)
            }
            return switchClients(record: record + [.facts(.switchClients, StepFacts(hooksRun: hookProgress.done))])

        case (.running(.switchClients, .route(.source)), .routed):
            let ran = hookProgress.done
            return finish(
                .switchClients, .done, detail: "the proxy routes to the source\(ran > 0 ? "; \(ran) rollback hooks ran" : "")")

        case (.running(.switchMonitors, .restoreMonitors(let pairs)), .monitorsRestored):
            return finish(.switchMonitors, .done, detail: "\(pairs.count) monitors enabled on the source and disabled on the target")

        case (.running(let step, _), .failed(let reason, let exitCode)):
            return stop(step, reason: reason, exitCode: exitCode)

        default:
            preconditionFailure("rollback state machine: \(event) does not answer \(state)")
        }
    }

    private func isDone(_ step: RollbackStep) -> Bool {
        statuses[step] == .done || statuses[step] == .skipped
    }

    /// Starts the first step after `previous` (or the first of all) that is not done, or completes the rollback.
    private mutating func advance(after previous: RollbackStep?, record: [Entry] = []) -> Action {
        var record = record
        let first = previous.map { $0.position + 1 } ?? 0
        for step in RollbackStep.allCases[first...] where !isDone(step) {
            record.append(.started(step))
            statuses[step] = .running
            let skipped: String
            switch step {
            case .holdWrites:
                guard !configuration.proxy else { return run(.holdWrites, .holdWrites, record: record) }
                skipped = "no proxy"
            case .unblockSource:
                guard configuration.blockedIndices.isEmpty else {
                    return run(.unblockSource, .removeWriteBlock(configuration.blockedIndices), record: record)
                }
                skipped = "the cutover placed no write block"
            case .drainBack:
                return run(.drainBack, .drainBack, record: record)
            case .verify:
                return run(.verify, .verify, record: record)
            case .switchClients:
                return switchClients(record: record)
            case .switchMonitors:
                guard configuration.monitors.isEmpty else {
                    return run(.switchMonitors, .restoreMonitors(configuration.monitors), record: record)
                }
                skipped = "the cutover switched no monitor"
            }
            record.append(.finished(step, .skipped, detail: skipped))
            statuses[step] = .skipped
        }
        let differences = gates.filter { !$0.passed }
        let detail =
            differences.isEmpty
            ? "clients are on the source, with every write the target accepted"
            : "clients are on the source, but the reverse check found differences: \(differences.map(\.detail).joined(separator: "; "))"
        record.append(.completed(.completed, detail: detail))
        state = .finished
        let renames = configuration.reverseRenames.map { " --rename '\($0)'" }.joined()
        let ending: OperationEnding =
            differences.isEmpty
            ? .outcome(.success, message: "Rollback complete: \(detail).")
            : .outcome(
                .failure,
                message:
                    "Rollback complete, \(detail). Copy what the target has with tern validate --source TARGET --target SOURCE\(renames) --repair."
            )
        return Action(record: record, next: .finish(ending))
    }

    private mutating func run(_ step: RollbackStep, _ work: Work, record: [Entry]) -> Action {
        state = .running(step, work)
        return Action(record: record, next: .work(work))
    }

    private mutating func finish(_ step: RollbackStep, _ status: OperationStep.Status, detail: String, record: [Entry] = []) -> Action {
        statuses[step] = status
        return advance(after: step, record: record + [.finished(step, status, detail: detail)])
    }

    /// The rollback hooks not run yet, one at a time, then the proxy routes to the source.
    private mutating func switchClients(record: [Entry]) -> Action {
        if let hook = hookProgress.next { return run(.switchClients, .runHook(hook), record: record) }
        if configuration.proxy { return run(.switchClients, .route(.source), record: record) }
        return finish(.switchClients, .done, detail: "\(hookProgress.done) rollback hooks ran", record: record)
    }

    /// A failed step stops the rollback where it is; run again, it resumes there.
    private mutating func stop(_ step: RollbackStep, reason: String, exitCode: TernExitCode, record: [Entry] = []) -> Action {
        statuses[step] = .failed
        state = .finished
        let error = TernError(
            .stepFailed, "Rollback stopped at \(step.rawValue): \(reason). Fix that and run tern rollback again: it resumes there.",
            exitCode: exitCode)
        return Action(record: record + [.finished(step, .failed, detail: reason)], next: .finish(.error(error)))
    }
}
