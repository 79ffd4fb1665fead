import Backfill
import Capture
import Compatibility
import Foundation
import Logging
import Metadata
import Replication
import SearchClient
import State
import TernCore
import Validation

/// `tern migrate`: the blue-green run in one command, each step recorded so that a stopped run resumes at the first
/// unfinished step. Stops before the cutover unless asked.
public struct MigrateRunner: Sendable {
    public struct Options: Sendable {
        /// Go on with the cutover after the validation.
        public var cutover: Bool
        /// Start a new run even though the last one completed.
        public var restart: Bool
        /// Documents read and written at once by the backfill.
        public var concurrency: Int
        /// The share of documents the validation step compares.
        public var sampleRate: Double

        public init(cutover: Bool = false, restart: Bool = false, concurrency: Int = 4, sampleRate: Double = 1) {
            self.cutover = cutover
            self.restart = restart
            self.concurrency = concurrency
            self.sampleRate = sampleRate
        }
    }

    public let workspace: Workspace
    public let options: Options
    public let logger: Logger

    public init(workspace: Workspace, options: Options = Options(), logger: Logger) {
        self.workspace = workspace
        self.options = options
        self.logger = logger
    }

    /// - Parameter progress: the backfill's counters, for a progress bar.
    public func run(progress: BackfillProgress = BackfillProgress()) async throws -> OperationOutcome {
        let store = workspace.store
        if !options.restart, let last = try await store.operations(kind: .migrate, limit: 1).first, last.status == .completed {
            return OperationOutcome(
                operation: last, ok: true,
                message:
                    "The migration completed at \(CutoverRunner.time(last.finishedAt)): \(last.detail). Next: tern cutover (or tern migrate --restart to run it again)."
            )
        }
        let journal = try await OperationJournal<MigrateStep>.begin(
            store: workspace.store, stateDirectory: workspace.stateDirectory, logger: logger)
        let detail =
            options.cutover
            ? "clients are on the target" : "the target holds every document and follows the source; cut over with tern cutover"
        var machine = StepSequenceStateMachine(
            steps: MigrateStep.allCases.filter { $0 != .cutover || options.cutover }, completedDetail: detail)
        var gates: [GateAnswer] = []
        var hooks: [HookOutcome] = []
        let stop = try await machine.run(journal: journal) { step in
            try await perform(step, store: store, progress: progress, gates: &gates, hooks: &hooks)
        }
        if let stop {
            return OperationOutcome(
                operation: await journal.operation, ok: false,
                message: "The migration stopped at \(stop.step.rawValue): \(stop.reason). Run tern migrate again to resume there.",
                gates: gates, hooks: hooks, exitCode: stop.exitCode)
        }
        return OperationOutcome(
            operation: await journal.operation, ok: true, message: "Migration complete: \(detail).", gates: gates, hooks: hooks)
    }

    private func perform(
        _ step: MigrateStep, store: StateStore, progress: BackfillProgress, gates: inout [GateAnswer], hooks: inout [HookOutcome]
    ) async throws -> (OperationStep.Status, String) {
        switch step {
        case .check:
            let report = await CheckRunner(logger: logger).run(source: .live(workspace.source), target: .live(workspace.target))
            guard report.exitCode == .success else {
                let problems = [report.source.error, report.target.error].compactMap { $0 }
                // The check's own exit code: 3 when a cluster cannot be reached, 1 when no strategy is possible.
                throw TernError(
                    .checkFailed,
                    problems.isEmpty
                        ? "no migration strategy is possible between these clusters; run tern check to see why."
                        : problems.joined(separator: "; ") + ".", exitCode: report.exitCode)
            }
            func name(_ side: ClusterReport) -> String {
                "\(side.distribution.map { "\($0)" } ?? "cluster") \(side.version.map { "\($0)" } ?? "")"
            }
            return (.done, "\(name(report.source)) to \(name(report.target)); recommended: \(report.recommended?.rawValue ?? "none")")
        case .metadata:
            let report = try await MetadataRunner(
                source: .cluster(workspace.source), target: workspace.target,
                options: {
                    var options = MetadataRunOptions(selection: workspace.selection, apply: true)
                    // Replication creates the followers itself, from the leaders' settings and mappings.
                    options.indices = workspace.sync != .ccr
                    return options
                }(), logger: logger
            ).run()
            guard report.ok else {
                let failed = report.failures(overwrite: false)
                let named = failed.prefix(3).map { "\($0.kind) \($0.name): \($0.reason ?? $0.status.rawValue)" }
                throw TernError(
                    .failedChecks,
                    "\(failed.count) of \(report.items.count) metadata items could not be created (\(named.joined(separator: "; "))\(failed.count > 3 ? "; ..." : "")); run tern metadata evaluate for details."
                )
            }
            return (.done, "\(report.items.count) items on the target")
        case .backfill where workspace.sync == .ccr:
            let runner = ReplicationRunner(
                source: workspace.source, target: workspace.target, options: ReplicationRunner.Options(selection: workspace.selection),
                logger: logger)
            let started = try await runner.start()
            let statuses = try await runner.waitForBootstrap()
            let lag = statuses.compactMap(\.lag).reduce(0, +)
            return (
                .done,
                "cross-cluster replication copies the documents: \(started.started.count) followers started, \(statuses.count) in sync, \(lag) operations behind"
            )
        case .backfill:
            let report = try await BackfillRunner(
                source: .cluster(workspace.source), target: .cluster(workspace.target),
                options: BackfillOptions(
                    selection: workspace.selection, concurrency: options.concurrency,
                    deadLetterPath: (workspace.stateDirectory as NSString).appendingPathComponent("dead-letter.ndjson")),
                store: store, logger: logger
            ).run(progress: progress)
            guard report.complete else {
                throw TernError(
                    .failedChecks,
                    "the backfill left \(report.failed) documents refused and \(report.missing) missing (see \(report.deadLetterFile ?? "the dead-letter file"))."
                )
            }
            return (.done, "\(report.written) documents written, \(report.alreadyNewer) already newer, in \(Int(report.seconds)) s")
        case .replay where workspace.sync == .ccr:
            return (.skipped, "cross-cluster replication keeps the target in sync")
        case .validate where workspace.sync == .ccr && !options.cutover:
            return (
                .skipped,
                "the followers lag the source while it takes writes, so only the cutover's gate, with writes blocked, compares exactly"
            )
        case .replay:
            guard workspace.hasCaptureLog(workspace.captureDirectory) else {
                return (.skipped, "no capture log in \(workspace.captureDirectory): clients do not write through a tern proxy")
            }
            let report = try await Replayer(
                source: workspace.source, target: workspace.target,
                options: ReplayerOptions(
                    captureDirectory: workspace.captureDirectory, selection: workspace.selection, untilDrained: true),
                store: store, logger: logger
            ).run()
            guard report.damage.isEmpty else {
                throw TernError(.failedChecks, "the capture log is damaged (\(report.damage.joined(separator: "; "))).")
            }
            return (
                .done,
                "\(report.progress.exchanges) logged exchanges applied; keep tern replay running until the cutover so the target follows the source"
            )
        case .validate:
            if options.cutover {
                return (.skipped, "the cutover gate validates with writes held, where the comparison is exact")
            }
            // Clients may write through the proxy meanwhile: a difference on a document with a write the capture log
            // holds after the replay's position is in flight, not a difference. The cutover gate stays exact.
            let live = workspace.hasCaptureLog(workspace.captureDirectory)
            let inFlight =
                live
                ? try await InFlightWritesLog.forValidation(
                    captureDirectory: workspace.captureDirectory, store: store, target: workspace.target.displayEndpoint) : nil
            let report = try await ValidationRunner(
                source: workspace.source, target: workspace.target,
                options: ValidationRunner.Options(selection: workspace.selection, sampleRate: options.sampleRate, inFlight: inFlight),
                logger: logger
            ).run()
            let record = ValidationRecord(report: report)
            try? await store.recordValidation(record)
            guard report.ok else {
                let hint =
                    live
                    ? " What differs has no write in the capture log after the replay's position, so it is not a write still on its way: run tern validate for the details, or tern validate --repair."
                    : " Run tern validate for the details, or tern validate --repair."
                throw TernError(.failedChecks, "the validation found differences (\(record.summary)).\(hint)")
            }
            return (.done, record.summary)
        case .cutover:
            let outcome = try await CutoverRunner(workspace: workspace, logger: logger).run()
            gates = outcome.gates
            hooks = outcome.hooks
            guard outcome.ok else { throw TernError(.failedChecks, outcome.message) }
            return (.done, outcome.message)
        }
    }
}
