import TernCore

/// An alerting monitor's body as Tern compares and writes it: without what the server sets itself, and without
/// `enabled`, which Tern sets on its own (disabled until `tern cutover`), so a re-run after the cutover still finds the
/// target's monitor identical.
public enum MonitorShape {
    /// Fields the alerting plugin sets on every write (the user who wrote, the times, the schema version).
    static let serverFields = ["user", "enabled_time", "last_update_time", "schema_version"]

    /// The monitor without server fields and `enabled`.
    public static func comparable(_ monitor: JSONValue) -> JSONValue {
        guard var object = monitor.objectValue else { return monitor }
        for field in serverFields + ["enabled"] { object[field] = nil }
        return .object(object)
    }

    /// The body that creates or replaces the monitor, with its schedule enabled or not.
    public static func writable(_ monitor: JSONValue, enabled: Bool) -> JSONValue {
        guard var object = comparable(monitor).objectValue else { return monitor }
        object["enabled"] = .bool(enabled)
        return .object(object)
    }

    /// The notification channels (or, before OpenSearch 2.0, destinations) the monitor's trigger actions name, in
    /// order of appearance, each once.
    public static func destinationIDs(_ monitor: JSONValue) -> [String] {
        var ids: [String] = []
        for trigger in monitor["triggers"]?.arrayValue ?? [] {
            // A trigger is one object keyed by its kind (`query_level_trigger`, `bucket_level_trigger`, ...).
            for body in trigger.objectValue?.values.map({ $0 }) ?? [] {
                for action in body["actions"]?.arrayValue ?? [] {
                    if let id = action["destination_id"]?.stringValue, !ids.contains(id) { ids.append(id) }
                }
            }
        }
        return ids
    }
}
