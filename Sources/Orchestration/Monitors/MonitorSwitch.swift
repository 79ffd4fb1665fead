import Logging
import Metadata
import SearchClient
import TernCore

/// The I/O of switching alerting monitors between the clusters, for `tern cutover` and `tern rollback`: which source
/// monitors have a migrated counterpart, and turning schedules on and off. Each switch is idempotent (a monitor
/// already so is left alone), so a resumed or repeated step does no harm.
struct MonitorSwitch: Sendable {
    let workspace: Workspace
    let logger: Logger

    /// The source's enabled monitors paired with the target's by name, and what was left alone (empty when nothing).
    func list() async throws -> ([MonitorPair], String) {
        let source = try await monitors(workspace.source)
        guard let source else { return ([], "the source has no Alerting plugin") }
        guard source.contains(where: \.enabled) else { return ([], "") }
        guard let target = try await monitors(workspace.target) else {
            return ([], "the target has no Alerting plugin, so the source's monitors keep running")
        }
        let (pairs, unpaired) = MonitorPair.pairs(source: source, target: target)
        return (pairs, unpaired.joined(separator: "; "))
    }

    /// Enables each monitor on the target first (alerts never stop), then disables it on the source.
    func switchToTarget(_ pairs: [MonitorPair]) async throws {
        try await set(pairs.map(\.targetID), enabled: true, on: workspace.target)
        try await set(pairs.map(\.sourceID), enabled: false, on: workspace.source)
        logger.info("monitors switched to the target", metadata: ["monitors": "\(pairs.count)"])
    }

    /// Enables each monitor on the source again, then disables it on the target.
    func switchToSource(_ pairs: [MonitorPair]) async throws {
        try await set(pairs.map(\.sourceID), enabled: true, on: workspace.source)
        try await set(pairs.map(\.targetID), enabled: false, on: workspace.target)
        logger.info("monitors switched back to the source", metadata: ["monitors": "\(pairs.count)"])
    }

    private func monitors(_ cluster: ClusterConfiguration) async throws -> [MonitorPair.Listed]? {
        try await SearchClient.withClient(cluster, logger: logger) { client in
            let api = AlertingAPI(client: client, version: try await client.info().version)
            return try await api.monitors()?.elements.map(\.listed)
        }
    }

    private func set(_ ids: [String], enabled: Bool, on cluster: ClusterConfiguration) async throws {
        guard !ids.isEmpty else { return }
        try await SearchClient.withClient(cluster, logger: logger) { client in
            let api = AlertingAPI(client: client, version: try await client.info().version)
            for id in ids { try await api.setEnabled(enabled, monitor: id) }
        }
    }
}
