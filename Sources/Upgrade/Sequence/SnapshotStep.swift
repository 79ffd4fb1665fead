import Foundation
import SearchClient
import TernCore

/// The snapshot taken before an upgrade: nodes cannot be downgraded, so it is the way back.
struct SnapshotStep: Sendable {
    let client: SearchClient
    let settings: UpgradeSettings
    let resumeHint: String

    /// Registered repositories, or nil when the cluster does not answer `GET /_snapshot`.
    static func repositories(_ client: SearchClient) async -> [String]? {
        guard let response = try? await client.send(.GET, "/_snapshot", retries: RetrySettings(maxAttempts: 2)), response.isSuccess,
            let json = response.json()?.objectValue
        else { return nil }
        return json.keys.sorted()
    }

    /// Takes a snapshot of every index and the cluster state and waits for it.
    /// - Returns: `repository/snapshot`, or nil when no repository is registered (and none is required).
    func take(named name: String) async throws -> (taken: String?, note: String) {
        let repositories = await Self.repositories(client)
        let repository: String
        if let wanted = settings.snapshotRepository {
            guard let repositories, repositories.contains(wanted) else {
                throw TernError(
                    .upgradeGate,
                    "The snapshot repository \(wanted) (tern.yml upgrade.snapshot_repository) is not registered on the cluster; register it or change the setting, then \(resumeHint)"
                )
            }
            repository = wanted
        } else if let first = repositories?.first {
            repository = first
        } else {
            return (
                nil,
                repositories == nil
                    ? "The cluster does not answer GET _snapshot: no pre-upgrade snapshot was taken."
                    : "No snapshot repository is registered: no pre-upgrade snapshot was taken."
            )
        }
        let path = "/_snapshot/\(SearchClient.pathSegment(repository))/\(SearchClient.pathSegment(name))"
        let body = #"{"indices":"*","include_global_state":true}"#
        let response = try await client.send(.PUT, path, query: [("wait_for_completion", "false")], body: Array(body.utf8))
        try client.checkAccess(response, method: "PUT", path: path)
        guard response.isSuccess else {
            throw TernError(
                .upgradeGate,
                "The pre-upgrade snapshot \(repository)/\(name) could not start (HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")); \(resumeHint)"
            )
        }
        let deadline = ContinuousClock.now + settings.healthTimeout
        while ContinuousClock.now < deadline {
            if let json = try? await client.getJSON(path), let state = json["snapshots"]?[0]?["state"]?.stringValue {
                switch state {
                case "SUCCESS": return ("\(repository)/\(name)", "Snapshot \(repository)/\(name) taken.")
                case "FAILED", "PARTIAL", "INCOMPATIBLE":
                    throw TernError(
                        .upgradeGate,
                        "The pre-upgrade snapshot \(repository)/\(name) ended \(state); look at GET _snapshot/\(repository)/\(name), then \(resumeHint)"
                    )
                default: break
                }
            }
            try await Task.sleep(for: settings.pollInterval)
        }
        throw TernError(
            .upgradeGate,
            "The pre-upgrade snapshot \(repository)/\(name) did not finish within \(UpgradeCluster.format(settings.healthTimeout)); \(resumeHint)"
        )
    }

    /// `tern-pre-upgrade-20260122-101500`
    static func name(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "tern-pre-upgrade-\(formatter.string(from: now))"
    }
}
