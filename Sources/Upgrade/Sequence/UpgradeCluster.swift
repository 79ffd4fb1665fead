import Foundation
import SearchClient
import TernCore

/// The cluster requests an upgrade is made of, and the gates that wait for it. Every failure is a `TernError` of kind
/// `.upgradeGate` with one sentence; waiting tolerates a cluster that is briefly unreachable (its node is restarting).
struct UpgradeCluster: Sendable {
    let client: SearchClient
    let settings: UpgradeSettings
    /// Appended to gate failures: how to resume.
    let resumeHint: String

    /// Sets `cluster.routing.allocation.enable` (`primaries`), or resets it to the default (`nil`).
    func setAllocation(_ value: String?) async throws {
        let json = value.map { "\"\($0)\"" } ?? "null"
        let body = "{\"persistent\":{\"cluster.routing.allocation.enable\":\(json)}}"
        let response = try await client.send(.PUT, "/_cluster/settings", body: Array(body.utf8))
        try client.checkAccess(response, method: "PUT", path: "/_cluster/settings")
        guard response.isSuccess, response.json()?["acknowledged"]?.boolValue != false else {
            throw TernError(
                .upgradeGate,
                "The cluster refused to \(value == nil ? "re-enable" : "restrict") shard allocation (PUT _cluster/settings answered HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")); \(resumeHint)"
            )
        }
    }

    /// `POST /_flush`: restarted shards then recover from their own files instead of replaying the translog.
    func flush() async throws {
        let response = try await client.send(.POST, "/_flush", query: [("expand_wildcards", "open")])
        try client.checkAccess(response, method: "POST", path: "/_flush")
        guard response.isSuccess else {
            throw TernError(
                .upgradeGate,
                "POST _flush answered HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? ""); \(resumeHint)")
        }
    }

    /// The nodes, or nil while the cluster does not answer (a node restarting behind the only endpoint).
    func currentNodes() async -> [NodeSummary]? {
        guard let response = try? await client.send(.GET, "/_nodes", retries: RetrySettings(maxAttempts: 1)), response.isSuccess,
            let json = response.json()
        else { return nil }
        return NodeSummary.all(in: json)
    }

    func currentHealth() async -> ClusterHealth? {
        guard let response = try? await client.send(.GET, "/_cluster/health", retries: RetrySettings(maxAttempts: 1)),
            response.isSuccess || response.status == 408, let json = response.json()
        else { return nil }
        return ClusterHealth(json: json)
    }

    /// Waits until `node` is in the cluster running `version`.
    func waitForNode(_ node: String, version: SemanticVersion, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastSeen: String?
        while true {
            if let nodes = await currentNodes() {
                if let found = nodes.first(where: { $0.name == node }) {
                    if found.version == version.description { return }
                    lastSeen = found.version
                }
            }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: settings.pollInterval)
        }
        let seen =
            lastSeen.map { "it is in the cluster but runs \($0), not \(version)" }
            ?? "it did not rejoin the cluster"
        throw TernError(
            .upgradeGate,
            "Node \(node) did not come back on \(version) within \(Self.format(timeout)): \(seen); check the node (its logs, the restart command), then \(resumeHint)"
        )
    }

    /// Waits until `count` nodes run `version`.
    func waitForNodes(count: Int, version: SemanticVersion, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastSeen: [NodeSummary] = []
        while true {
            if let nodes = await currentNodes() {
                lastSeen = nodes
                if nodes.count >= count && nodes.allSatisfy({ $0.version == version.description }) { return }
            }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: settings.pollInterval)
        }
        let seen =
            lastSeen.isEmpty
            ? "the cluster did not answer"
            : "\(lastSeen.count) node(s) answered (\(lastSeen.map { "\($0.name) \($0.version)" }.joined(separator: ", ")))"
        throw TernError(
            .upgradeGate,
            "The cluster did not come back with \(count) node(s) on \(version) within \(Self.format(timeout)): \(seen); check the nodes, then \(resumeHint)"
        )
    }

    /// Waits for green, or yellow when the cluster has a single data node (its replicas can never be assigned).
    func waitForHealth(timeout: Duration) async throws -> ClusterHealth {
        let deadline = ContinuousClock.now + timeout
        var last: ClusterHealth?
        while true {
            if let health = await currentHealth() {
                last = health
                if Self.isHealthy(health) { return health }
            }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: settings.pollInterval)
        }
        let state =
            last.map { "it stayed \($0.status) (\($0.unassignedShards) unassigned shard(s), \($0.initializingShards) initializing)" }
            ?? "it did not answer"
        throw TernError(
            .upgradeGate,
            "The cluster did not return to green within \(Self.format(timeout)): \(state); find the cause with GET _cluster/allocation/explain, then \(resumeHint)"
        )
    }

    static func isHealthy(_ health: ClusterHealth) -> Bool {
        health.status == .green || (health.status == .yellow && health.numberOfDataNodes <= 1)
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if seconds < 1 { return "\(Int(seconds * 1000)) ms" }
        if seconds < 120 { return seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds) }
        return "\(Int(seconds / 60)) min"
    }
}
