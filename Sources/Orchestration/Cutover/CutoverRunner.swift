import Capture
import Foundation
import Logging
import SearchClient
import State
import TernCore
import Validation

/// `tern cutover`: moves clients from the source to the target through gates, as a persisted state machine.
///
/// Each step is recorded before and after it runs; a killed cutover resumes at its first unfinished step, and every
/// step is idempotent (the block remembers which indices it blocked before blocking them; the drain resumes at the
/// saved replay position). A failed gate, a failed hook or an error aborts: the proxy routes to the source again,
/// the blocks this cutover placed are removed, and rollback hooks undo switch hooks that ran.
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
        public var step: String
        public var action: String
        /// `done` for a resumed cutover's finished steps, else `pending`.
        public var state: String
    }

    public static let kind = "cutover"

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
        let unfinished = try await store.operations(kind: Self.kind, limit: 1).first.flatMap { $0.status == .running ? $0 : nil }
        let steps = CutoverStep.allCases.map { step in
            let done = unfinished?.step(step.rawValue).map { $0.status == .done || $0.status == .skipped } ?? false
            return PlannedStep(step: step.rawValue, action: step.summary, state: done ? "done" : "pending")
        }
        return Plan(steps: steps, gates: gates, ready: gates.allSatisfy { $0.passed || !$0.blocking }, unfinished: unfinished)
    }

    /// Runs (or resumes) the cutover.
    /// - Returns: the outcome; `ok` is false when a gate failed and the cutover was aborted.
    /// - Throws: `TernError` when the state folder cannot be used, or the abort itself could not restore the source.
    public func run() async throws -> OperationOutcome {
        let store = workspace.store
        if let finished = try await Self.activeCompletedCutover(store: store) {
            return OperationOutcome(
                operation: finished, ok: true,
                message:
                    "The cutover finished at \(Self.time(finished.finishedAt)); clients are on the target. Nothing to do (tern rollback moves them back)."
            )
        }
        let journal = try await OperationJournal.begin(
            kind: Self.kind, store: workspace.store, stateDirectory: workspace.stateDirectory, logger: logger)
        if await journal.wasStarted("abort") {
            return try await abort(journal, reason: "finishing the abort of an earlier attempt", gates: [])
        }
        var gates: [GateAnswer] = []
        var hooks: [HookOutcome] = []
        for (position, step) in CutoverStep.allCases.enumerated() where !(await journal.isDone(step.rawValue)) {
            do {
                try await journal.perform(step.rawValue, position: position) {
                    try await perform(step, journal: journal, store: store, gates: &gates, hooks: &hooks)
                }
            } catch let failure as StepFailure {
                if step == .preconditions {
                    // Nothing was changed yet: nothing to restore.
                    try await journal.complete(.aborted, detail: failure.reason)
                    return OperationOutcome(
                        operation: await journal.operation, ok: false, message: "Cutover not started: \(failure.reason).", gates: gates,
                        exitCode: failure.exitCode)
                }
                var outcome = try await abort(journal, reason: "\(step.rawValue): \(failure.reason)", gates: gates, hooks: hooks)
                outcome.exitCode = failure.exitCode
                return outcome
            }
        }
        let detail = workspace.proxy != nil ? "the proxy routes clients to the target" : "the switch hooks moved clients to the target"
        try await journal.complete(.completed, detail: detail)
        return OperationOutcome(
            operation: await journal.operation, ok: true, message: "Cutover complete: \(detail).", gates: gates, hooks: hooks)
    }

    private func perform(
        _ step: CutoverStep, journal: OperationJournal, store: StateStore, gates: inout [GateAnswer], hooks: inout [HookOutcome]
    ) async throws -> (OperationStep.Status, String) {
        switch step {
        case .preconditions:
            gates = await CutoverPreconditions(workspace: workspace, logger: logger).check(
                store: store, skipBackfillCheck: options.skipBackfillCheck)
            let failed = gates.filter { !$0.passed && $0.blocking }
            guard failed.isEmpty else {
                // The worst exit code among the failures: 3 when a cluster cannot be reached, else 1.
                let exitCode = failed.compactMap(\.exitCode).max { $0.rawValue < $1.rawValue } ?? .failure
                throw TernError(
                    TernError.Kind("preconditions", exitCode: exitCode), failed.map { "\($0.gate): \($0.detail)" }.joined(separator: "; "))
            }
            return (.done, gates.map { "\($0.gate): \($0.detail)" }.joined(separator: "; "))
        case .holdWrites:
            guard let proxy = workspace.proxy else {
                return (.skipped, "no proxy: writes that reach the source directly fail on the write block from now on")
            }
            return (.done, try await ClientRouting(proxy: proxy).holdWrites(timeout: workspace.cutover.drainTimeout))
        case .blockSource:
            return (.done, try await blockSource(journal: journal))
        case .drain:
            return try await drain()
        case .validate:
            return (.done, try await validationGate(store: store))
        case .switchClients:
            return (.done, try await switchClients(journal: journal, hooks: &hooks))
        }
    }

    private func blockSource(journal: OperationJournal) async throws -> String {
        try await SearchClient.withClient(workspace.source, logger: logger) { client in
            let block = WriteBlock(client: client)
            let ours: [String]
            var already = 0
            if let saved = await journal.facts(CutoverStep.blockSource.rawValue, as: CutoverFacts.self)?.blockedIndices {
                ours = saved
            } else {
                let indices = workspace.selection.openIndices(try await client.indices(), logger: logger).map(\.name)
                guard !indices.isEmpty else {
                    throw TernError(.failedChecks, "no open source index matches the selection, so nothing can be cut over")
                }
                let blocked = try await block.blocked(among: indices)
                already = blocked.count
                ours = indices.filter { !blocked.contains($0) }
                // Saved before the block exists, so a resumed or aborted attempt never mistakes our block for the operator's.
                try await journal.saveFacts(CutoverStep.blockSource.rawValue, CutoverFacts(blockedIndices: ours))
            }
            try await block.set(true, on: ours)
            return "write block on \(ours.count) source indices\(already > 0 ? " (\(already) had one already)" : "")"
        }
    }

    private func drain() async throws -> (OperationStep.Status, String) {
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

    private func validationGate(store: StateStore) async throws -> String {
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

    private func switchClients(journal: OperationJournal, hooks: inout [HookOutcome]) async throws -> String {
        let done = try await HookSequence(workspace: workspace, journal: journal).run(
            workspace.cutover.switchHooks, role: "switch", step: CutoverStep.switchClients.rawValue, outcomes: &hooks)
        if let proxy = workspace.proxy {
            try await ClientRouting(proxy: proxy).setMode(.target)
            return "the proxy routes to the target\(done > 0 ? "; \(done) switch hooks ran" : "")"
        }
        return "\(done) switch hooks ran"
    }

    /// Puts the source back in charge: proxy to `source`, this cutover's blocks removed, rollback hooks run when switch
    /// hooks had started. Recorded as the step `abort`, so an abort interrupted by a kill is finished by the next start.
    func abort(_ journal: OperationJournal, reason: String, gates: [GateAnswer], hooks: [HookOutcome] = []) async throws
        -> OperationOutcome
    {
        var hooks = hooks
        try await journal.start("abort", position: CutoverStep.allCases.count)
        var undone: [String] = []
        do {
            if let proxy = workspace.proxy {
                try await ClientRouting(proxy: proxy).setMode(.source)
                undone.append("the proxy routes to the source")
            }
            let blocked = await journal.facts(CutoverStep.blockSource.rawValue, as: CutoverFacts.self)?.blockedIndices ?? []
            if !blocked.isEmpty {
                try await SearchClient.withClient(workspace.source, logger: logger) {
                    try await WriteBlock(client: $0).set(nil, on: blocked)
                }
                undone.append("write block removed from \(blocked.count) source indices")
            }
            if await journal.wasStarted(CutoverStep.switchClients.rawValue) {
                let ran = try await HookSequence(workspace: workspace, journal: journal).run(
                    workspace.cutover.rollbackHooks, role: "rollback", step: "abort", outcomes: &hooks)
                if ran > 0 { undone.append("\(ran) rollback hooks ran") }
            }
        } catch {
            let problem = TernError.reason(of: error)
            try await journal.finish("abort", .failed, detail: problem)
            throw TernError(
                TernError.Kind("abort-failed", exitCode: TernError.exitCode(of: error)),
                "Cutover stopped (\(reason)), and putting the source back failed: \(problem). Fix that, then run tern cutover again to finish the abort (or move clients back by hand)."
            )
        }
        let detail = undone.isEmpty ? "nothing had changed" : undone.joined(separator: ", ")
        try await journal.finish("abort", .done, detail: detail)
        try await journal.complete(.aborted, detail: reason)
        return OperationOutcome(
            operation: await journal.operation, ok: false,
            message: "Cutover aborted: \(reason). The source takes writes again (\(detail)).", gates: gates, hooks: hooks)
    }

    /// The last completed cutover when no rollback came after it.
    static func activeCompletedCutover(store: StateStore) async throws -> OperationRecord? {
        guard let last = try await store.operations(kind: kind, limit: 1).first, last.status == .completed else { return nil }
        let rollback = try await store.operations(kind: RollbackRunner.kind, limit: 1).first
        if let rollback, rollback.startedAt >= last.startedAt { return nil }
        return last
    }

    static func time(_ date: Date?) -> String {
        date.map { ISO8601DateFormatter().string(from: $0) } ?? "an unknown time"
    }
}
