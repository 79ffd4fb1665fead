import Capture
import Foundation
import Logging
import Replication
import SearchClient
import State
import TernCore

/// `tern decommission`: after a steady period on the target, removes what Tern left on the clusters and, when asked,
/// the capture logs; then lists what the operator still owns.
public struct DecommissionRunner: Sendable {
    public struct Options: Sendable {
        /// How long clients must have been on the target since the cutover.
        public var steadyPeriod: Duration
        /// Delete the capture logs (they hold every write since the proxy started).
        public var deleteCaptureLogs: Bool

        public init(steadyPeriod: Duration = .seconds(86_400), deleteCaptureLogs: Bool = false) {
            self.steadyPeriod = steadyPeriod
            self.deleteCaptureLogs = deleteCaptureLogs
        }
    }

    /// What stays with the operator: Tern does not shut clusters down or touch DNS it did not change.
    public static let checklist = [
        "Take a final snapshot of the old (source) cluster and keep it for your retention period before deleting its data.",
        "Make the client switch permanent: DNS records, load balancers and application configuration should name the target directly.",
        "Stop the tern proxy once no client connects through it.",
        "Remove the old cluster from monitoring, alerting and backups, then shut its nodes down and reclaim their storage.",
        "Revoke the credentials Tern used on both clusters.",
    ]

    public let workspace: Workspace
    public let options: Options
    public let logger: Logger

    public init(workspace: Workspace, options: Options = Options(), logger: Logger) {
        self.workspace = workspace
        self.options = options
        self.logger = logger
    }

    public func run() async throws -> OperationOutcome {
        let store = workspace.store
        guard let cutover = try await CutoverRunner.activeCompletedCutover(store: store), let finished = cutover.finishedAt else {
            throw TernError(
                .failedChecks,
                "There is no completed cutover to decommission after (or it was rolled back); run tern cutover first, and decommission after a steady period."
            )
        }
        let age = Date().timeIntervalSince(finished)
        guard age >= options.steadyPeriod.inSeconds else {
            throw TernError(
                .failedChecks,
                "The cutover finished \(Int(age / 60)) min ago; decommission waits for a steady period of \(Int(options.steadyPeriod.inSeconds / 60)) min so a rollback stays possible (pass --steady-period to change it)."
            )
        }
        let journal = try await OperationJournal<DecommissionStep>.begin(
            store: workspace.store, stateDirectory: workspace.stateDirectory, logger: logger)
        var machine = StepSequenceStateMachine<DecommissionStep>(completedDetail: "Tern's changes removed")
        if let stop = try await machine.run(journal: journal, perform: { try await perform($0, cutover: cutover, store: store) }) {
            throw TernError(
                .stepFailed, "Decommission stopped at \(stop.step.rawValue): \(stop.reason). Run tern decommission again when fixed.",
                exitCode: stop.exitCode)
        }
        return OperationOutcome(
            operation: await journal.operation, ok: true, message: "Decommissioned: what Tern changed on the clusters is removed.",
            checklist: Self.checklist)
    }

    private func perform(
        _ step: DecommissionStep, cutover: OperationRecord, store: StateStore
    ) async throws -> (OperationStep.Status, String) {
        switch step {
        case .removeBlocks: try await removeBlocks(cutover)
        case .restoreSettings: try await restoreSettings(store)
        case .captureLogs: try await captureLogs()
        case .removeRemoteCluster: try await removeRemoteCluster()
        }
    }

    private func removeBlocks(_ cutover: OperationRecord) async throws -> (OperationStep.Status, String) {
        let blocked = RollbackStateMachine.blockedIndices(of: cutover)
        guard !blocked.isEmpty else { return (.skipped, "the cutover placed no write block") }
        try await SearchClient.withClient(workspace.source, logger: logger) { try await WriteBlock(client: $0).set(nil, on: blocked) }
        return (.done, "write block removed from \(blocked.count) source indices")
    }

    /// Settings `--fast-load` changed and a crash kept from being put back (refresh interval, replicas).
    private func restoreSettings(_ store: StateStore) async throws -> (OperationStep.Status, String) {
        let remembered = try await store.settingsToRestore(cluster: workspace.target.displayEndpoint)
        guard !remembered.isEmpty else { return (.skipped, "no temporary setting left on the target") }
        try await SearchClient.withClient(workspace.target, logger: logger) { client in
            for setting in remembered {
                let value = setting.originalValue.map { #""\#($0)""# } ?? "null"
                let path = "/\(SearchClient.pathSegment(setting.index))/_settings"
                let response = try await client.send(.PUT, path, body: Array(#"{"\#(setting.setting)":\#(value)}"#.utf8))
                try client.checkAccess(response, method: "PUT", path: path)
                guard response.isSuccess || response.status == 404 else {
                    throw TernError(
                        .httpStatus,
                        "The \(client.displayName) refused to put back \(setting.setting) of \(setting.index) (HTTP \(response.status)).")
                }
                try await store.forgetSetting(cluster: setting.cluster, index: setting.index, setting: setting.setting)
            }
        }
        return (.done, "put back \(remembered.count) settings on the target")
    }

    /// The connection `tern ccr start` gave the target (`cluster.remote.<alias>.*`); the followers were stopped at the
    /// cutover and stay as ordinary indices.
    private func removeRemoteCluster() async throws -> (OperationStep.Status, String) {
        guard workspace.sync == .ccr else { return (.skipped, "the target was kept in sync by the capture proxy") }
        let runner = ReplicationRunner(
            source: workspace.source, target: workspace.target, options: ReplicationRunner.Options(selection: workspace.selection),
            logger: logger)
        try await runner.disconnect()
        return (.done, "removed the target's remote-cluster connection \(runner.options.alias) to the source")
    }

    private func captureLogs() async throws -> (OperationStep.Status, String) {
        let folders = [workspace.captureDirectory, workspace.targetCaptureDirectory].filter { workspace.hasCaptureLog($0) }
        guard !folders.isEmpty else { return (.skipped, "no capture log") }
        guard options.deleteCaptureLogs else {
            return (.skipped, "kept \(folders.joined(separator: " and ")) (pass --delete-capture-logs to delete them)")
        }
        if let proxy = workspace.proxy, (try? await proxy.status()) != nil {
            throw TernError(
                .failedChecks,
                "the proxy at \(ClusterConfiguration.display(proxy.url)) still runs and writes these logs; stop it first.")
        }
        for folder in folders {
            do {
                try FileManager.default.removeItem(atPath: folder)
            } catch {
                throw TernError(.failedChecks, "cannot delete \(folder): \(error.localizedDescription).")
            }
        }
        return (.done, "deleted \(folders.joined(separator: " and "))")
    }
}
