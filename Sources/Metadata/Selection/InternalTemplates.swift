import TernCore

/// Templates that Elasticsearch, Kibana, Beats or Fleet install for themselves. They are left out of a migration unless
/// named explicitly: the target's own features install what they need, and copying them would only collide.
public enum InternalTemplates {
    /// Exact names of built-in templates.
    static let names: Set<String> = [
        "logs", "metrics", "synthetics", "ilm-history", "slm-history", "profiling", "traces-apm", "data-streams-mappings",
    ]
    /// Prefixes of built-in template names (`.` covers `.monitoring-*`, `.watches`, `.ml-*`, `.slm-history`, `.fleet*`...).
    static let prefixes = [
        ".", "ilm-history", "slm-history", "logs-mappings", "logs-settings", "metrics-mappings", "metrics-settings",
        "synthetics-mappings", "synthetics-settings", "fleet-", "fleet_", "elastic-connectors", "behavioral_analytics-", "apm-",
    ]

    /// Whether a template is one the stack installs for itself: a built-in name or prefix, a name with `@` (the
    /// `logs@mappings`, `*@package`, `*@custom` convention of Elasticsearch 8 and Fleet), or a body marked `_meta.managed`
    /// or managed by Fleet, or a template whose patterns only match system (`.`) indices.
    public static func isInternal(name: String, body: JSONValue? = nil) -> Bool {
        if names.contains(name) || name.contains("@") || prefixes.contains(where: { name.hasPrefix($0) }) { return true }
        // A template only for system indices (`.security-*`, `.logstash`) belongs to the stack that made them.
        let patterns = (body?["index_patterns"]?.arrayValue ?? body?["template"]?.stringValue.map { [.string($0)] } ?? []).compactMap(
            \.stringValue)
        if !patterns.isEmpty, patterns.allSatisfy({ $0.hasPrefix(".") }) { return true }
        if let meta = body?["_meta"] ?? body?["template"]?["_meta"] {
            if meta["managed"]?.boolValue == true { return true }
            if let owner = meta["managed_by"]?.stringValue, ["fleet", "ingest-manager"].contains(owner) { return true }
        }
        return false
    }

    /// ILM policies the stack installs for its own indices (history, Watcher, machine learning, Kibana, Fleet, the
    /// `N-days-default` policies of Elasticsearch 7.x-8.x), which are not marked `_meta.managed` before 8.x.
    static let policyNames: Set<String> = [
        "ilm-history-ilm-policy", "slm-history-ilm-policy", "watch-history-ilm-policy", "ml-size-based-ilm-policy",
        "kibana-event-log-policy", "kibana-reporting", "7-days-default", "30-days-default", "90-days-default", "180-days-default",
        "365-days-default", "profiling-60-days",
    ]

    /// Whether an ILM policy is one the stack installs for itself (by name, or `_meta.managed` in `policy`).
    public static func isInternalPolicy(name: String, policy: JSONValue?) -> Bool {
        policyNames.contains(name) || isInternal(name: name, body: policy)
    }

    /// Whether a template takes part in the migration: external ones always, internal ones only when named exactly
    /// among `requested` (a glob does not bring them in).
    public static func isSelected(name: String, body: JSONValue? = nil, requested: [String] = []) -> Bool {
        !isInternal(name: name, body: body) || requested.contains(name)
    }
}
