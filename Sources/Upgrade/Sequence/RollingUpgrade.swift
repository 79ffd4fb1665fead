import Foundation
import Logging
import SearchClient
import TernCore

/// `tern upgrade rolling`: one node at a time — restrict allocation to primaries, flush, run the operator's restart command,
/// wait for the node to rejoin on the new version, re-enable allocation, wait for green — after a snapshot, recording each
/// step so a stopped run resumes where it stopped.
public struct RollingUpgrade: Sendable {
    public let configuration: ClusterConfiguration
    public let settings: UpgradeSettings
    public let logger: Logger
    /// Receives one line per step, for the operator.
    public let report: @Sendable (String) -> Void

    public init(
        configuration: ClusterConfiguration, settings: UpgradeSettings, logger: Logger, report: @escaping @Sendable (String) -> Void
    ) {
        self.configuration = configuration
        self.settings = settings
        self.logger = logger
        self.report = report
    }

    /// Runs (or resumes) the upgrade.
    /// - Returns: the final progress, with the verification against the record taken before.
    /// - Throws: `TernError` with one sentence: `.upgradeGate` when a step failed (the run is recorded as stopped and resumes),
    ///   `.upgradeRefused` for a version no rolling upgrade reaches, `.configuration` without a restart hook.
    public func run(_ request: UpgradeRequest) async throws -> UpgradeProgress {
        guard !settings.restartNodeHooks.isEmpty else {
            throw TernError.configuration(
                "No node-restart command: add upgrade.hooks.restart_node to tern.yml, for example \"docker compose restart {node}\" or \"ssh {host} sudo systemctl restart opensearch\"."
            )
        }
        let session = UpgradeSession(
            kind: .rolling, request: request, settings: settings, endpoint: configuration.displayEndpoint, report: report)
        let resumed = try session.resumable()
        return try await SearchClient.withClient(configuration, logger: logger) { client in
            let cluster = UpgradeCluster(client: client, settings: settings, resumeHint: session.resumeHint)
            var progress: UpgradeProgress
            if let resumed {
                progress = resumed
                progress.status = .running
                progress.lastError = nil
            } else {
                guard let prepared = try await prepare(client, session: session) else {
                    var done = UpgradeProgress(kind: .rolling, target: request.target, endpoint: configuration.displayEndpoint)
                    done.status = .completed
                    return done
                }
                progress = prepared
            }
            try session.save(&progress)
            do {
                while let (index, phase) = progress.nextNodeStep() {
                    try await perform(phase, node: progress.nodes[index], cluster: cluster, session: session)
                    progress.nodes[index].phase = phase
                    try session.save(&progress)
                }
                try await finish(&progress, client: client, cluster: cluster, session: session)
                return progress
            } catch {
                throw session.stop(&progress, error)
            }
        }
    }

    /// Pre-flight: versions, health, node order, the record and the snapshot. Nil when every node already runs the target.
    private func prepare(_ client: SearchClient, session: UpgradeSession) async throws -> UpgradeProgress? {
        let request = session.request
        let info = try await client.info()
        let nodes = NodeSummary.all(in: try await client.getJSON("/_nodes"))
        let target = request.target.version.description
        if !request.restartAll && nodes.allSatisfy({ $0.version == target }) {
            report("Every node already runs \(target): nothing to upgrade (--restart-all restarts them anyway).")
            return nil
        }
        let lowest = nodes.compactMap { SemanticVersion($0.version) }.min() ?? info.version.version
        try session.checkVersions(from: ClusterVersion(info.version.distribution, lowest), rolling: true)
        try await session.checkHealthBeforeStart(client)
        var progress = UpgradeProgress(kind: .rolling, target: request.target, endpoint: configuration.displayEndpoint)
        progress.nodes = try Self.order(nodes, explicit: request.nodeOrder).map { node in
            let current = node.version == target && !request.restartAll
            return UpgradeProgress.NodeProgress(
                name: node.name, host: node.host, fromVersion: node.version, phase: current ? .done : .pending)
        }
        report(
            "Rolling upgrade of \(nodes.count) node(s) at \(configuration.displayEndpoint) to \(request.target.displayName), in this order: \(progress.nodes.filter { $0.phase != .done }.map(\.name).joined(separator: ", "))."
        )
        progress.before = try await ClusterRecord.take(client)
        try session.save(&progress)
        try await session.snapshot(client, into: &progress)
        return progress
    }

    private func perform(
        _ phase: UpgradeProgress.NodePhase, node: UpgradeProgress.NodeProgress, cluster: UpgradeCluster, session: UpgradeSession
    ) async throws {
        let version = session.request.target.version
        switch phase {
        case .pending:
            return
        case .allocationDisabled:
            report("\(node.name): restricting shard allocation to primaries.")
            try await cluster.setAllocation("primaries")
        case .flushed:
            report("\(node.name): flushing.")
            try await cluster.flush()
        case .restarted:
            try await session.runHooks(
                settings.restartNodeHooks, name: "restart_node", subject: " for node \(node.name)",
                values: ["node": node.name, "host": node.host ?? node.name, "version": version.description],
                allocationNote: " (shard allocation stays restricted to primaries)")
        case .rejoined:
            report("\(node.name): waiting for it to rejoin on \(version).")
            try await cluster.waitForNode(node.name, version: version, timeout: settings.nodeTimeout)
        case .allocationEnabled:
            report("\(node.name): back on \(version); re-enabling shard allocation.")
            try await cluster.setAllocation(nil)
        case .done:
            report("\(node.name): waiting for the cluster to return to green.")
            let health = try await cluster.waitForHealth(timeout: settings.healthTimeout)
            report("\(node.name): done (cluster \(health.status)).")
        }
    }

    private func finish(_ progress: inout UpgradeProgress, client: SearchClient, cluster: UpgradeCluster, session: UpgradeSession)
        async throws
    {
        let after = try await ClusterRecord.take(client)
        if let before = progress.before {
            progress.verification = UpgradeVerification.compare(
                before: before, after: after, target: session.request.target, allowGrowth: true)
        }
        progress.status = .completed
        progress.lastError = nil
        try session.save(&progress)
    }

    /// Nodes in restart order: an explicit list as given, otherwise data and other nodes first, cluster-manager-eligible last.
    static func order(_ nodes: [NodeSummary], explicit: [String]?) throws -> [NodeSummary] {
        if let explicit {
            let known = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let unknown = explicit.filter { known[$0] == nil }
            guard unknown.isEmpty else {
                throw TernError(
                    .invalidArgument,
                    "--nodes names \(unknown.joined(separator: ", ")), not in the cluster; its nodes are \(nodes.map(\.name).joined(separator: ", "))."
                )
            }
            let missing = nodes.filter { !explicit.contains($0.name) }.map(\.name)
            guard missing.isEmpty else {
                throw TernError(
                    .invalidArgument,
                    "--nodes leaves out \(missing.joined(separator: ", ")); list every node of the cluster, in the order to restart them.")
            }
            return explicit.compactMap { known[$0] }
        }
        func managerEligible(_ node: NodeSummary) -> Bool {
            node.roles.contains("cluster_manager") || node.roles.contains("master")
        }
        return nodes.sorted { lhs, rhs in
            if managerEligible(lhs) != managerEligible(rhs) { return !managerEligible(lhs) }
            return lhs.name < rhs.name
        }
    }
}
