import TernCore

/// Raises `number_of_replicas` so that every awareness zone of the target holds a copy: with N zones, (replicas + 1)
/// must be a multiple of N, rounding up. Opt-in (`TransformOptions.awarenessZones`); skipped for `auto_expand_replicas`.
enum ReplicaAwarenessRule: SettingsRule {
    static let rule = "settings.replicas-awareness"

    /// The smallest replica count at least `replicas` with (count + 1) a multiple of `zones`.
    static func adjusted(_ replicas: Int64, zones: Int) -> Int64 {
        let zones = Int64(max(zones, 1))
        let copies = replicas + 1
        return ((copies + zones - 1) / zones) * zones - 1
    }

    static func apply(to settings: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog) {
        guard let zones = context.options.awarenessZones, zones > 1 else { return }
        let pointer = JSONPointer(tokens: ["index", "number_of_replicas"])
        guard let value = settings.value(atPointer: pointer), let replicas = value.intValue else { return }
        if let expand = settings.value(atPointer: JSONPointer(tokens: ["index", "auto_expand_replicas"]))?.stringValue, expand != "false" {
            return
        }
        let target = adjusted(replicas, zones: zones)
        guard target != replicas else { return }
        // Keep the value's form: clusters return numbers as strings.
        let replacement: JSONValue = if case .string = value { .string(String(target)) } else { .int(target) }
        try? settings.setValue(replacement, atPointer: pointer)
        log.record(
            rule, at: base.appending(pointer),
            "raised `index.number_of_replicas` from \(replicas) to \(target) so each of the target's \(zones) awareness zones holds a copy")
    }
}
