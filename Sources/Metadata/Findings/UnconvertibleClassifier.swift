/// Says which source-side objects no automatic conversion carries to OpenSearch, and what to do instead.
public enum UnconvertibleClassifier {
    /// Roles every Elasticsearch cluster has; reporting them would only add noise.
    static let builtInRoles: Set<String> = [
        "superuser", "kibana_system", "kibana_user", "kibana_admin", "logstash_system", "beats_system", "apm_system",
        "remote_monitoring_agent", "remote_monitoring_collector", "monitoring_user", "ingest_admin", "machine_learning_admin",
        "machine_learning_user", "transport_client", "watcher_admin", "watcher_user", "viewer", "editor",
    ]

    /// One finding per object that cannot be converted; objects that can (ordinary indices) give none.
    public static func findings(for objects: [SourceObject]) -> [Unconvertible] {
        objects.compactMap(finding(for:))
    }

    /// The finding for one object, or nil when nothing needs saying.
    public static func finding(for object: SourceObject) -> Unconvertible? {
        switch object.kind {
        case .ilmPolicy:
            return Unconvertible(
                rule: "classifier.ilm", place: object.name, what: "ILM policy \(object.name)",
                why: "OpenSearch manages index lifecycles with ISM, whose policies have another format",
                action: "write an equivalent ISM policy (states and transitions) with an `ism_template` on the target",
                impact: .featureLost)
        case .watch:
            return Unconvertible(
                rule: "classifier.watcher", place: object.name, what: "Watcher watch \(object.name)",
                why: "OpenSearch has no Watcher; its Alerting plugin uses monitors and destinations instead",
                action: "recreate the watch as an Alerting monitor on the target", impact: .featureLost)
        case .securityRole:
            guard !builtInRoles.contains(object.name), !object.name.hasPrefix("_") else { return nil }
            return Unconvertible(
                rule: "classifier.security", place: object.name, what: "security role \(object.name)",
                why: "X-Pack security roles do not carry over to the OpenSearch Security plugin",
                action: "recreate the role and its mappings in OpenSearch Security (roles.yml or the _plugins/_security API)",
                impact: .featureLost)
        case .index:
            return indexFinding(object.name)
        }
    }

    private static func indexFinding(_ name: String) -> Unconvertible? {
        if name.hasPrefix(".kibana") {
            return Unconvertible(
                rule: "classifier.kibana", place: name, what: "Kibana index \(name)",
                why: "Kibana saved objects are not copied as an index; OpenSearch Dashboards keeps its own",
                action: "export the saved objects from Kibana (Saved objects > Export) and import them into OpenSearch Dashboards",
                impact: .featureLost)
        }
        if name.hasPrefix(".security") {
            return Unconvertible(
                rule: "classifier.security", place: name, what: "security index \(name)",
                why: "X-Pack users and roles do not carry over to the OpenSearch Security plugin",
                action: "recreate users, roles and role mappings in OpenSearch Security", impact: .featureLost)
        }
        if name == ".watches" || name == ".triggered_watches" || name.hasPrefix(".watcher-history") {
            return Unconvertible(
                rule: "classifier.watcher", place: name, what: "Watcher index \(name)",
                why: "OpenSearch has no Watcher; its Alerting plugin uses monitors instead",
                action: "recreate the watches as Alerting monitors on the target", impact: .featureLost)
        }
        return nil
    }
}
