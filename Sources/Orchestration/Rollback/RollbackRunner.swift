import Capture
import Foundation
import Logging
import SearchClient
import State
import TernCore
import Validation

/// `tern rollback`: puts clients back on the source without losing the writes the target accepted meanwhile.
///
/// After a partial cutover it finishes that cutover's abort. After a completed one it holds writes, lifts the source's
/// write blocks, replays the target-side capture log to the source (the proxy logged every write it sent to the target),
/// compares counts and a sample in the reverse direction, and routes clients to the source. Resumable like a cutover.
/// ``RollbackStateMachine`` decides; this runner performs what it asks and reports back.
public struct RollbackRunner: Sendable {
    public let workspace: Workspace
    public let logger: Logger

    public init(workspace: Workspace, logger: Logger) {
        self.workspace = workspace
        self.logger = logger
    }

    public func run() async throws -> OperationOutcome {
        let store = workspace.store
        let decision = RollbackStateMachine.decide(
            latestCutover: try await store.operations(kind: .cutover, limit: 1).first,
            latestRollback: try await store.operations(kind: .rollback, limit: 1).first)
        let cutover: OperationRecord
        switch decision {
        case .finishCutoverAbort(let partial):
            return try await CutoverRunner(workspace: workspace, logger: logger).finishAbortForRollback(of: partial)
        case .nothing:
            let empty = OperationRecord(id: 0, kind: .rollback, status: .completed, actor: OperatorIdentity.current, startedAt: Date())
            return OperationOutcome(
                operation: empty, ok: true, message: "Nothing to roll back: no cutover has completed since the last rollback.")
        case .rollBack(let completed):
            cutover = completed
        }
        let journal = try await OperationJournal<RollbackStep>.begin(
            store: store, stateDirectory: workspace.stateDirectory, logger: logger)
        var machine = RollbackStateMachine(
            configuration: .init(
                proxy: workspace.proxy != nil, rollbackHooks: workspace.cutover.rollbackHooks,
                blockedIndices: RollbackStateMachine.blockedIndices(of: cutover), sampleRate: workspace.cutover.gateSample,
                reverseRenames: workspace.selection.renames.map { "\($0.to):\($0.from)" },
                monitors: RollbackStateMachine.switchedMonitors(of: cutover)))
        let first = machine.receive(.started(recorded: await journal.operation.steps))
        let ending = try await runActions(first, journal: journal) { work in
            machine.receive(try await event(of: { try await perform(work) }, failed: { .failed(reason: $0, exitCode: $1) }))
        }
        return try await ending.outcome(journal: journal, gates: machine.gates, hooks: machine.hooks)
    }

    /// Does one piece of work the state machine asked for.
    private func perform(_ work: RollbackStateMachine.Work) async throws -> RollbackStateMachine.Event {
        switch work {
        case .holdWrites:
            return .writesHeld(waiting: try await routing().holdWrites(timeout: workspace.cutover.drainTimeout))
        case .removeWriteBlock(let indices):
            try await SearchClient.withClient(workspace.source, logger: logger) { try await WriteBlock(client: $0).set(nil, on: indices) }
            return .writeBlockRemoved
        case .drainBack:
            guard workspace.hasCaptureLog(workspace.targetCaptureDirectory) else {
                return .drainedBack(
                    .skipped,
                    detail:
                        "no target-side capture log in \(workspace.targetCaptureDirectory): writes clients sent to the target directly are not known to Tern"
                )
            }
            let reversed = IndexSelection(renames: workspace.selection.renames.map { (from: $0.to, to: $0.from) })
            let report = try await Replayer(
                source: workspace.target, target: workspace.source,
                options: ReplayerOptions(
                    captureDirectory: workspace.targetCaptureDirectory, selection: reversed, untilDrained: true,
                    unansweredTimeout: .seconds(5)),
                store: workspace.store, logger: logger
            ).run()
            guard report.damage.isEmpty else {
                throw TernError(.failedChecks, "the target-side capture log is damaged (\(report.damage.joined(separator: "; ")))")
            }
            return .drainedBack(
                .done,
                detail: "the target's writes replayed to the source: \(report.progress.written) written, \(report.progress.deleted) deleted"
            )
        case .verify:
            let reversed = IndexSelection(renames: workspace.selection.renames.map { (from: $0.to, to: $0.from) })
            let targetIndices = try await SearchClient.withClient(workspace.source, logger: logger) { client in
                workspace.selection.openIndices(try await client.indices(), logger: logger).map {
                    workspace.selection.targetName(for: $0.name)
                }
            }
            var selection = reversed
            selection.include = targetIndices
            let report = try await ValidationRunner(
                source: workspace.target, target: workspace.source,
                options: ValidationRunner.Options(selection: selection, sampleRate: workspace.cutover.gateSample, checkMetadata: false),
                logger: logger
            ).run()
            return .verified(passed: report.ok, summary: ValidationRecord(report: report).summary)
        case .runHook(let hook):
            return .hookFinished(try await workspace.runHook(hook))
        case .route(let mode):
            try await routing().setMode(mode)
            return .routed
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
}
