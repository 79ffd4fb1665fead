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
public struct RollbackRunner: Sendable {
    public static let kind = "rollback"

    public let workspace: Workspace
    public let logger: Logger

    public init(workspace: Workspace, logger: Logger) {
        self.workspace = workspace
        self.logger = logger
    }

    public func run() async throws -> OperationOutcome {
        let store = workspace.store
        let latestCutover = try await store.operations(kind: CutoverRunner.kind, limit: 1).first
        if let partial = latestCutover, partial.status == .running {
            let journal = try await OperationJournal.begin(
                kind: CutoverRunner.kind, store: store, stateDirectory: workspace.stateDirectory, logger: logger)
            var outcome = try await CutoverRunner(workspace: workspace, logger: logger).abort(
                journal, reason: "rolled back by tern rollback", gates: [])
            outcome.exitCode = .success
            outcome.message =
                "Rolled back the unfinished cutover \(partial.id): \(outcome.operation.step("abort")?.detail ?? "the source is in charge")."
            return outcome
        }
        let unfinishedRollback = try await store.operations(kind: Self.kind, limit: 1).first.flatMap { $0.status == .running ? $0 : nil }
        guard
            let cutover = try await CutoverRunner.activeCompletedCutover(store: store) ?? (unfinishedRollback != nil ? latestCutover : nil)
        else {
            let empty = OperationRecord(id: 0, kind: Self.kind, status: .completed, actor: OperatorIdentity.current, startedAt: Date())
            return OperationOutcome(
                operation: empty, ok: true, message: "Nothing to roll back: no cutover has completed since the last rollback.")
        }
        let blocked = Self.blockedIndices(of: cutover)
        let journal = try await OperationJournal.begin(
            kind: Self.kind, store: workspace.store, stateDirectory: workspace.stateDirectory, logger: logger)
        var hooks: [HookOutcome] = []
        var gates: [GateAnswer] = []
        for (position, step) in RollbackStep.allCases.enumerated() where !(await journal.isDone(step.rawValue)) {
            do {
                try await journal.perform(step.rawValue, position: position) {
                    try await perform(step, blocked: blocked, journal: journal, gates: &gates, hooks: &hooks)
                }
            } catch let failure as StepFailure {
                throw failure.error(
                    "Rollback stopped at \(failure.step): \(failure.reason). Fix that and run tern rollback again: it resumes there.")
            }
        }
        let differences = gates.filter { !$0.passed }
        let detail =
            differences.isEmpty
            ? "clients are on the source, with every write the target accepted"
            : "clients are on the source, but the reverse check found differences: \(differences.map(\.detail).joined(separator: "; "))"
        try await journal.complete(.completed, detail: detail)
        return OperationOutcome(
            operation: await journal.operation, ok: differences.isEmpty,
            message: differences.isEmpty
                ? "Rollback complete: \(detail)."
                : "Rollback complete, \(detail). Copy what the target has with tern validate --source TARGET --target SOURCE --repair.",
            gates: gates, hooks: hooks)
    }

    private func perform(
        _ step: RollbackStep, blocked: [String], journal: OperationJournal, gates: inout [GateAnswer], hooks: inout [HookOutcome]
    ) async throws -> (OperationStep.Status, String) {
        switch step {
        case .holdWrites:
            guard let proxy = workspace.proxy else { return (.skipped, "no proxy") }
            return (.done, try await ClientRouting(proxy: proxy).holdWrites(timeout: workspace.cutover.drainTimeout))
        case .unblockSource:
            guard !blocked.isEmpty else { return (.skipped, "the cutover placed no write block") }
            try await SearchClient.withClient(workspace.source, logger: logger) { try await WriteBlock(client: $0).set(nil, on: blocked) }
            return (.done, "write block removed from \(blocked.count) source indices")
        case .drainBack:
            guard workspace.hasCaptureLog(workspace.targetCaptureDirectory) else {
                return (
                    .skipped,
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
            return (
                .done, "the target's writes replayed to the source: \(report.progress.written) written, \(report.progress.deleted) deleted"
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
            let record = ValidationRecord(report: report)
            gates.append(GateAnswer(gate: "reverse validation", passed: report.ok, blocking: false, detail: record.summary))
            return (.done, "target to source, \(CutoverPreconditions.percent(workspace.cutover.gateSample)) sample: \(record.summary)")
        case .switchClients:
            let done = try await HookSequence(workspace: workspace, journal: journal).run(
                workspace.cutover.rollbackHooks, role: "rollback", step: RollbackStep.switchClients.rawValue, outcomes: &hooks)
            if let proxy = workspace.proxy {
                try await ClientRouting(proxy: proxy).setMode(.source)
                return (.done, "the proxy routes to the source\(done > 0 ? "; \(done) rollback hooks ran" : "")")
            }
            return (.done, "\(done) rollback hooks ran")
        }
    }

    /// The indices a cutover blocked, from its saved facts.
    static func blockedIndices(of cutover: OperationRecord) -> [String] {
        guard let text = cutover.step(CutoverStep.blockSource.rawValue)?.facts,
            let facts = try? JSONDecoder().decode(CutoverFacts.self, from: Data(text.utf8))
        else { return [] }
        return facts.blockedIndices ?? []
    }
}
