import Compatibility
import Logging
import SearchClient
import TernCore

/// Reads ``UpgradeFacts`` from a live cluster: `tern check`'s inspection first (shared code), then the upgrade's own facts.
public struct UpgradeFactsReader: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// - Throws: the inspection's `TernError` (unreachable, credentials refused) when the cluster cannot be read at all.
    public func read(_ configuration: ClusterConfiguration) async throws -> UpgradeFacts {
        let (report, inspected) = await ClusterInspector(logger: logger).inspect(configuration)
        guard let profile = inspected else {
            let code = report.errorExitCode.flatMap(TernExitCode.init(rawValue:)) ?? .unreachable
            throw TernError(
                code == .unreachable ? .connection : .httpStatus,
                report.error ?? "The cluster at \(configuration.displayEndpoint) could not be read.")
        }
        var facts = UpgradeFacts(profile: profile, nodes: report.nodes, notes: report.notes ?? [])
        try await SearchClient.withClient(configuration, logger: logger) { client in
            facts.clusterSettings = await Self.clusterSettings(client, notes: &facts.notes)
            facts.nodeSettingKeys = await Self.nodeSettingKeys(client, notes: &facts.notes)
            facts.diskPercent = await Self.diskPercent(client, notes: &facts.notes)
            facts.snapshotRepositories = await SnapshotStep.repositories(client)
            if facts.snapshotRepositories == nil {
                facts.notes.append("Snapshot repositories not read: GET /_snapshot is not answered by this cluster.")
            }
        }
        return facts
    }

    static func clusterSettings(_ client: SearchClient, notes: inout [String]) async -> [String: String]? {
        do {
            let json = try await client.getJSON("/_cluster/settings", query: [("flat_settings", "true")])
            var settings: [String: String] = [:]
            for scope in ["persistent", "transient"] {
                for (key, value) in json[scope]?.objectValue ?? [:] {
                    settings[key] = value.stringValue ?? value.arrayValue.map { $0.compactMap(\.stringValue).joined(separator: ",") } ?? ""
                }
            }
            return settings
        } catch let error as TernError {
            notes.append("Cluster settings not read: \(error.message)")
        } catch {
            notes.append("Cluster settings not read: \(error).")
        }
        return nil
    }

    static func nodeSettingKeys(_ client: SearchClient, notes: inout [String]) async -> Set<String>? {
        do {
            let json = try await client.getJSON("/_nodes/settings", query: [("flat_settings", "true")])
            var keys = Set<String>()
            for node in (json["nodes"]?.objectValue ?? [:]).values {
                for key in (node["settings"]?.objectValue ?? [:]).keys {
                    // List settings arrive as `key.0`, `key.1`.
                    if let last = key.split(separator: ".").last, Int(last) != nil {
                        keys.insert(String(key.dropLast(last.count + 1)))
                    } else {
                        keys.insert(key)
                    }
                }
            }
            return keys
        } catch let error as TernError {
            notes.append("Node settings not read: \(error.message)")
        } catch {
            notes.append("Node settings not read: \(error).")
        }
        return nil
    }

    static func diskPercent(_ client: SearchClient, notes: inout [String]) async -> [String: Int]? {
        guard let json = try? await client.getJSON("/_cat/allocation", query: [("format", "json")]) else {
            notes.append("Disk use not read: GET /_cat/allocation failed.")
            return nil
        }
        var percent: [String: Int] = [:]
        for row in json.arrayValue ?? [] {
            guard let node = row["node"]?.stringValue, node != "UNASSIGNED" else { continue }
            if let value = row["disk.percent"]?.intValue { percent[node] = Int(value) }
        }
        if percent.isEmpty { notes.append("Disk use not reported by the cluster (_cat/allocation has no disk.percent).") }
        return percent
    }
}
