import Capture
import Foundation
import Logging
import Replication
import SearchClient
import State
import TernCore
import Validation

/// `tern cutover`: moves clients from the source to the target through gates.
///
/// ``CutoverStateMachine`` decides (which step next, what a resumed cutover skips, when to abort and what the abort
/// undoes); this runner only performs what it asks, HTTP, hooks and the journal, and reports back. Each step is
/// recorded before and after it runs; a killed cutover resumes at its first unfinished step, and every step is
/// idempotent (the block remembers which indices it blocked before blocking them; the drain resumes at the saved
/// replay position).
public struct CutoverRunner: Sendable {
    public struct Options: Sendable {
        /// Compare every document at the gate, even after a recent passed validation.
        public var full: Bool
        /// Do not require a completed backfill run in the state folder (documents copied another way).
        public var skipBackfillCheck: Bool

        public init(full: Bool = false, skipBackfillCheck: Bool = false) {
            self.full = full
            self.skipBackfillCheck = skipBackfillCheck
        }
    }

    /// What `--dry-run` shows: the steps and each gate's current answer.
    public struct Plan: Sendable, Encodable {
        public var steps: [PlannedStep]
        public var gates: [GateAnswer]
        /// Whether a cutover started now would pass its preconditions.
        public var ready: Bool
        /// A cutover that a new start would resume, with its steps.
        public var unfinished: OperationRecord?
    }

    public struct PlannedStep: Sendable, Encodable {
        public enum State: String, Sendable, Encodable {
            /// A resumed cutover's finished step.
            case done
            case pending
        }

        public var step: CutoverStep
        public var action: String
        public var state: State
    }

    public let workspace: Workspace
    public let options: Options
    public let logger: Logger

    public init(workspace: Workspace, options: Options = Options(), logger: Logger) {
        self.workspace = workspace
        self.options = options
        self.logger = logger
    }

    /// The plan and every gate's current answer; changes nothing.
    public func plan() async throws -> Plan {
        let store = workspace.store
        let gates = await CutoverPreconditions(workspace: workspace, logger: logger).check(
            store: store, skipBackfillCheck: options.skipBackfillCheck)
        let unfinished = try await store.operations(kind: .cutover, limit: 1).first.flatMap { $0.status == .running ? $0 : nil }
        let steps = CutoverStep.sequence.map { step in
            let done = unfinished?.step(step).map { $0.status == .done || $0.status == .skipped } ?? false
            let action =
                step == .drain && workspace.sync == .ccr
                ? "wait until every follower has its leader's last operation, then stop replication (followers become writable)"
                : step.summary
            return PlannedStep(step: step, action: action, state: done ? .done : .pending)
        }
        return Plan(steps: steps, gates: gates, ready: gates.allSatisfy { $0.passed || !$0.blocking }, unfinished: unfinished)
    }

    /// Runs (or resumes) the cutover.
    /// - Returns: the outcome; `ok` is false when a gate failed and the cutover was aborted.
    /// - Throws: `TernError` when the state folder cannot be used, or the abort itself could not restore the source.
    public func run() async throws -> OperationOutcome {
        if let finished = try await Self.activeCompletedCutover(store: workspace.store) {
            return OperationOutcome(
                operation: finished, ok: true,
                message:
                    "The cutover finished at \(Self.time(finished.finishedAt)); clients are on the target. Nothing to do (tern rollback moves them back)."
            )
        }
        let journal = try await OperationJournal<CutoverStep>.begin(
            store: workspace.store, stateDirectory: workspace.stateDirectory, logger: logger)
        return try await drive(journal) { .started(recorded: $0) }
    }

    /// Finishes the abort of the unfinished cutover, for `tern rollback`: the source is in charge again.
    func finishAbortForRollback(of cutover: OperationRecord) async throws -> OperationOutcome {
        let journal = try await OperationJournal<CutoverStep>.begin(
            store: workspace.store, stateDirectory: workspace.stateDirectory, logger: logger)
        return try await drive(journal) { .rollbackRequested(recorded: $0, cutoverID: cutover.id) }
    }

    /// Feeds the state machine, starting with what the journal recorded, and performs what it asks until it ends.
    private func drive(
        _ journal: OperationJournal<CutoverStep>, start: ([OperationStep]) -> CutoverStateMachine.Event
    ) async throws -> OperationOutcome {
        var machine = CutoverStateMachine(
            configuration: .init(
                proxy: workspace.proxy != nil, switchHooks: workspace.cutover.switchHooks, rollbackHooks: workspace.cutover.rollbackHooks,
                replication: workspace.sync == .ccr))
        let first = machine.receive(start(await journal.operation.steps))
        let ending = try await runActions(first, journal: journal) { work in
            machine.receive(try await event(of: { try await perform(work) }, failed: { .failed(reason: $0, exitCode: $1) }))
        }
        return try await ending.outcome(journal: journal, gates: machine.gates, hooks: machine.hooks)
    }

    /// Does one piece of work the state machine asked for.
    private func perform(_ work: CutoverStateMachine.Work) async throws -> CutoverStateMachine.Event {
        switch work {
        case .checkPreconditions:
            return .gatesAnswered(
                await CutoverPreconditions(workspace: workspace, logger: logger).check(
                    store: workspace.store, skipBackfillCheck: options.skipBackfillCheck))
        case .holdWrites:
            return .writesHeld(waiting: try await routing().holdWrites(timeout: workspace.cutover.drainTimeout))
        case .listSourceIndices:
            return try await SearchClient.withClient(workspace.source, logger: logger) { client in
                let open = workspace.selection.openIndices(try await client.indices(), logger: logger).map(\.name)
                let blocked = open.isEmpty ? [] : try await WriteBlock(client: client).blocked(among: open)
                return .sourceIndicesListed(open: open, alreadyBlocked: blocked)
            }
        case .setWriteBlock(let indices):
            try await SearchClient.withClient(workspace.source, logger: logger) { try await WriteBlock(client: $0).set(true, on: indices) }
            return .writeBlockSet
        case .drain:
            let (status, detail) = try await drain()
            return .drained(status, detail: detail)
        case .validate:
            return .validated(detail: try await validationGate())
        case .runHook(let hook):
            return .hookFinished(try await workspace.runHook(hook))
        case .route(let mode):
            try await routing().setMode(mode)
            return .routed
        case .removeWriteBlock(let indices):
            try await SearchClient.withClient(workspace.source, logger: logger) { try await WriteBlock(client: $0).set(nil, on: indices) }
            return .writeBlockRemoved
        case .listMonitors:
            let (pairs, detail) = try await MonitorSwitch(workspace: workspace, logger: logger).list()
            return .monitorsListed(pairs, detail: detail)
        case .switchMonitors(let pairs):
            try await MonitorSwitch(workspace: workspace, logger: logger).switchToTarget(pairs)
            return .monitorsSwitched
        case .restoreMonitors(let pairs):
            try await MonitorSwitch(workspace: workspace, logger: logger).switchToSource(pairs)
            return .monitorsRestored
        }
    }

    private func routing() throws -> ClientRouting {
        guard let proxy = workspace.proxy else {
            throw TernError(.configuration, "no proxy is configured (migration.proxy or --proxy), so clients cannot be routed")
        }
        return ClientRouting(proxy: proxy)
    }

    private func drain() async throws -> (OperationStep.Status, String) {
        if workspace.sync == .ccr {
            // The source is blocked: once every follower has its leader's last operation, the target has every write.
            let stopped = try await ReplicationRunner(
                source: workspace.source, target: workspace.target, options: ReplicationRunner.Options(selection: workspace.selection),
                logger: logger
            ).catchUpAndStop(timeout: workspace.cutover.drainTimeout)
            return (
                .done,
                "every follower caught up with its blocked leader; replication stopped on \(stopped.count) indices, writable now"
            )
        }
        guard workspace.hasCaptureLog(workspace.captureDirectory) else {
            return (.skipped, "no capture log in \(workspace.captureDirectory): nothing to replay")
        }
        let replayer = Replayer(
            source: workspace.source, target: workspace.target,
            options: ReplayerOptions(
                captureDirectory: workspace.captureDirectory, selection: workspace.selection, untilDrained: true,
                unansweredTimeout: .seconds(5)),
            store: workspace.store, logger: logger)
        let report = try await replayer.run()
        guard report.damage.isEmpty else {
            throw TernError(
                .failedChecks,
                "the capture log is damaged (\(report.damage.joined(separator: "; "))), so writes may be missing; run tern validate --repair, then cut over again"
            )
        }
        return (.done, "replayed to lag 0: \(report.progress.exchanges) exchanges applied in all")
    }

    private func validationGate() async throws -> String {
        let store = workspace.store
        let recent = await CutoverPreconditions(workspace: workspace, logger: logger).recentValidation(store: store).recent
        let rate = options.full || !recent ? 1 : workspace.cutover.gateSample
        let report = try await ValidationRunner(
            source: workspace.source, target: workspace.target,
            options: ValidationRunner.Options(selection: workspace.selection, sampleRate: rate), logger: logger
        ).run()
        let record = ValidationRecord(report: report)
        try? await store.recordValidation(record)
        guard report.ok else {
            throw TernError(.failedChecks, "the validation gate found differences (\(record.summary))")
        }
        return "\(CutoverPreconditions.percent(rate)) of the documents compared: \(record.summary)"
    }

    /// The last completed cutover when no rollback came after it.
    static func activeCompletedCutover(store: StateStore) async throws -> OperationRecord? {
        RollbackStateMachine.activeCompletedCutover(
            latestCutover: try await store.operations(kind: .cutover, limit: 1).first,
            latestRollback: try await store.operations(kind: .rollback, limit: 1).first)
    }

    static func time(_ date: Date?) -> String {
        date.map { ISO8601DateFormatter().string(from: $0) } ?? "an unknown time"
    }
}
