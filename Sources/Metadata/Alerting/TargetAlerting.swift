import SearchClient
import TernCore

/// What the target has of alerting: its monitors by name and its channels, or nil for a plugin it lacks. The runner
/// compares with it, refuses items a missing plugin cannot take, and names monitors whose channels will not exist.
struct TargetAlerting: Sendable {
    var monitors: [String: AlertingAPI.Monitor]?
    var channels: [String: JSONValue]?

    static func read(_ client: SearchClient) async throws -> TargetAlerting {
        let api = AlertingAPI(client: client)
        var monitors: [String: AlertingAPI.Monitor]?
        if let listed = try await api.monitors() {
            // Several target monitors of one name: the oldest id stands for the name, as on the source.
            monitors = Dictionary(listed.elements.map { ($0.name, $0) }) { $0.id < $1.id ? $0 : $1 }
        }
        let channels = try await api.channels().map { listing in
            Dictionary(listing.elements.map { ($0.name, $0.body) }) { first, _ in first }
        }
        return TargetAlerting(monitors: monitors, channels: channels)
    }

    /// The target's bodies under the items' keys, in the form the items have.
    var existing: [MetadataKey: JSONValue] {
        var existing: [MetadataKey: JSONValue] = [:]
        for (name, monitor) in monitors ?? [:] { existing[MetadataKey(.alertingMonitor, name)] = MonitorShape.comparable(monitor.body) }
        for (id, body) in channels ?? [:] { existing[MetadataKey(.notificationChannel, id)] = body }
        return existing
    }

    /// The result marked as impossible when the target lacks the plugin its kind needs.
    func marked(_ result: TransformResult) -> TransformResult {
        let kind = result.source.kind
        let missing: (plugin: String, api: String)? =
            switch kind {
            case .alertingMonitor where monitors == nil: ("Alerting", "POST _plugins/_alerting/monitors/_search")
            case .notificationChannel where channels == nil: ("Notifications", "GET _plugins/_notifications/configs")
            default: nil
            }
        guard let missing else { return result }
        var result = result
        for position in result.items.indices {
            let item = result.items[position].item
            result.items[position].findings.append(
                Unconvertible(
                    rule: "alerting.plugin-missing", place: "", what: item.label,
                    why: "the target has no \(missing.plugin) plugin (\(missing.api) is not answered)",
                    action:
                        "install the opensearch-\(missing.plugin.lowercased()) plugin on the target, or leave the item out with --exclude-template '\(item.name)'",
                    impact: .blocking))
        }
        return result
    }

    /// A monitor's result with a finding for each channel its actions name that neither the migration nor the target
    /// has: the monitor is created, but that action notifies no one.
    func withChannelsChecked(_ result: TransformResult, migrated: Set<String>) -> TransformResult {
        guard result.source.kind == .alertingMonitor else { return result }
        let available = migrated.union((channels ?? [:]).keys)
        var result = result
        for position in result.items.indices {
            let missing = MonitorShape.destinationIDs(result.items[position].item.body).filter { !available.contains($0) }
            guard !missing.isEmpty else { continue }
            result.items[position].findings.append(
                Unconvertible(
                    rule: "alerting.channel-missing", place: "/triggers", what: result.items[position].item.label,
                    why:
                        "its actions notify \(missing.joined(separator: ", ")), which \(missing.count == 1 ? "is" : "are") neither migrated nor on the target",
                    action: "migrate the channel too (it is left out or cannot be converted), or create it on the target with the same id",
                    impact: .featureLost))
        }
        return result
    }
}
