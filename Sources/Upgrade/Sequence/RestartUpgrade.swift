import Foundation
import Logging
import SearchClient
import TernCore

/// `tern upgrade restart` (and `tern upgrade docker --apply`): snapshot, restrict allocation, flush, stop every node,
/// [rewrite the Compose file,] start them on the new version, wait for all of them and for health, then compare the
/// document counts of every index with the record taken before. Each step is recorded, so a stopped run resumes.
public struct RestartUpgrade: Sendable {
    /// How the nodes are stopped and started.
    public struct Actions: Sendable {
        public var stop: [HookCommand]
        public var start: [HookCommand]
        /// Docker: writes the rewritten Compose file while the cluster is down; returns a line for the operator.
        public var rewrite: (@Sendable () throws -> String)?

        public init(stop: [HookCommand], start: [HookCommand], rewrite: (@Sendable () throws -> String)? = nil) {
            self.stop = stop
            self.start = start
            self.rewrite = rewrite
        }
    }

    public let configuration: ClusterConfiguration
    public let settings: UpgradeSettings
    public let logger: Logger
    public let report: @Sendable (String) -> Void

    public init(
        configuration: ClusterConfiguration, settings: UpgradeSettings, logger: Logger, report: @escaping @Sendable (String) -> Void
    ) {
        self.configuration = configuration
        self.settings = settings
        self.logger = logger
        self.report = report
    }

    /// The hooks of `tern.yml` (`upgrade.hooks.stop_cluster`, `start_cluster`).
    public var configuredActions: Actions {
        get throws {
            guard !settings.stopClusterHooks.isEmpty, !settings.startClusterHooks.isEmpty else {
                throw TernError.configuration(
                    "A restart upgrade needs upgrade.hooks.stop_cluster and upgrade.hooks.start_cluster in tern.yml (for example \"systemctl stop opensearch\" run on every node, then \"systemctl start opensearch\")."
                )
            }
            return Actions(stop: settings.stopClusterHooks, start: settings.startClusterHooks)
        }
    }

    /// Runs (or resumes) the upgrade.
    /// - Parameters:
    ///   - kind: `.restart`, or `.docker` for a Compose deployment (recorded so a resume finds the same kind).
    ///   - composeFile: recorded in the progress for Docker upgrades.
    public func run(
        _ request: UpgradeRequest, actions: Actions, kind: UpgradeProgress.Kind = .restart, composeFile: String? = nil,
        composeBackup: String? = nil
    ) async throws -> UpgradeProgress {
        let session = UpgradeSession(
            kind: kind, request: request, settings: settings, endpoint: configuration.displayEndpoint, composeFile: composeFile,
            report: report)
        var progress =
            try session.resumable()
            ?? {
                var fresh = UpgradeProgress(kind: kind, target: request.target, endpoint: configuration.displayEndpoint)
                fresh.composeFile = composeFile
                fresh.composeBackup = composeBackup
                return fresh
            }()
        progress.status = .running
        progress.lastError = nil
        return try await SearchClient.withClient(configuration, logger: logger) { client in
            let cluster = UpgradeCluster(client: client, settings: settings, resumeHint: session.resumeHint)
            do {
                while let phase = progress.nextClusterPhase() {
                    try await perform(phase, progress: &progress, client: client, cluster: cluster, session: session, actions: actions)
                    progress.clusterPhase = phase
                    try session.save(&progress)
                }
                progress.status = .completed
                try session.save(&progress)
                return progress
            } catch {
                throw session.stop(&progress, error)
            }
        }
    }

    private func perform(
        _ phase: UpgradeProgress.ClusterPhase, progress: inout UpgradeProgress, client: SearchClient, cluster: UpgradeCluster,
        session: UpgradeSession, actions: Actions
    ) async throws {
        let target = session.request.target
        let downNote = " (the cluster may be down)"
        switch phase {
        case .prepared:
            let info = try await client.info()
            let nodes = NodeSummary.all(in: try await client.getJSON("/_nodes"))
            let lowest = nodes.compactMap { SemanticVersion($0.version) }.min() ?? info.version.version
            try session.checkVersions(from: ClusterVersion(info.version.distribution, lowest), rolling: false)
            try await session.checkHealthBeforeStart(client)
            progress.before = try await ClusterRecord.take(client)
            report(
                "\(kind(progress)) of \(nodes.count) node(s) at \(configuration.displayEndpoint) to \(target.displayName); \(progress.before?.documents.count ?? 0) index(es) recorded."
            )
        case .snapshotTaken:
            try await session.snapshot(client, into: &progress)
        case .allocationDisabled:
            report("Restricting shard allocation to primaries.")
            try await cluster.setAllocation("primaries")
        case .flushed:
            report("Flushing.")
            try await cluster.flush()
        case .stopped:
            try await session.runHooks(
                actions.stop, name: "stop_cluster", values: ["version": target.version.description], allocationNote: downNote)
        case .rewritten:
            if let rewrite = actions.rewrite { report(try rewrite()) }
        case .started:
            try await session.runHooks(
                actions.start, name: "start_cluster", values: ["version": target.version.description], allocationNote: downNote)
        case .rejoined:
            let count = progress.before?.nodes.count ?? 1
            report("Waiting for \(count) node(s) on \(target.version).")
            try await cluster.waitForNodes(count: count, version: target.version, timeout: settings.nodeTimeout)
        case .allocationEnabled:
            report("Re-enabling shard allocation.")
            try await cluster.setAllocation(nil)
        case .healthy:
            report("Waiting for the cluster to return to green.")
            let health = try await cluster.waitForHealth(timeout: settings.healthTimeout)
            report("Cluster \(health.status).")
        case .verified:
            let after = try await ClusterRecord.take(client)
            if let before = progress.before {
                progress.verification = UpgradeVerification.compare(before: before, after: after, target: target, allowGrowth: false)
            }
        }
    }

    private func kind(_ progress: UpgradeProgress) -> String {
        progress.kind == .docker ? "Docker Compose upgrade" : "Restart upgrade"
    }
}
