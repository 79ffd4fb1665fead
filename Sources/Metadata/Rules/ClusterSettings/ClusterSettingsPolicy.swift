import TernCore

/// Which of the source's persistent cluster settings are worth setting on the target, and why the others are not.
/// Transient settings are never read: they do not survive a restart of the source either.
///
/// Carried: settings that shape how the target should behave like the source did and name nothing of the source's
/// machines: allocation awareness attributes, disk watermarks and recovery rates, shard limits, `action.*`, search and
/// script limits, circuit breakers. Left out, each with its reason: anything that names the source's nodes or
/// connections, maintenance switches an operator sets for a while, Elastic-only features, and whatever is not known to
/// be safe (the operator can still set it by hand).
public enum ClusterSettingsPolicy {
    public enum Decision: Sendable, Equatable {
        case carry
        case leaveOut(String)
    }

    /// Prefixes of settings carried over.
    static let carried = [
        "cluster.routing.allocation.awareness.", "cluster.routing.allocation.disk.",
        "cluster.routing.allocation.cluster_concurrent_rebalance",
        "cluster.routing.allocation.node_concurrent_", "cluster.routing.allocation.node_initial_primaries_recoveries",
        "cluster.routing.allocation.balance.", "cluster.routing.allocation.total_shards_per_node", "cluster.max_shards_per_node",
        "cluster.indices.close.enable", "action.", "search.max_buckets", "search.default_search_timeout", "search.allow_expensive_queries",
        "search.max_open_scroll_context", "search.default_keep_alive", "search.max_keep_alive", "script.max_compilations_rate",
        "script.context.", "indices.breaker.", "indices.recovery.", "indices.query.bool.max_clause_count",
        "indices.id_field_data.enabled",
    ]

    /// Prefixes left out, with the reason the operator reads.
    static let leftOut: [(prefix: String, reason: String)] = [
        ("reindex.remote.", "the remote-reindex allowlist names the source's peers (and is a node setting on the target)"),
        ("cluster.remote.", "remote-cluster connections are the source's; cross-cluster replication sets its own"),
        ("search.remote.", "remote-cluster connections are the source's; cross-cluster replication sets its own"),
        ("cluster.routing.allocation.exclude.", "it names the source's nodes"),
        ("cluster.routing.allocation.include.", "it names the source's nodes"),
        ("cluster.routing.allocation.require.", "it names the source's nodes"),
        ("cluster.routing.allocation.enable", "a maintenance switch (a rolling restart sets it for a while)"),
        ("cluster.routing.rebalance.enable", "a maintenance switch (a rolling restart sets it for a while)"),
        ("cluster.blocks.", "a block would stop the target taking the migration's writes"),
        ("xpack.", "an Elasticsearch-only feature"),
        ("cluster.metadata.", "cluster metadata of the source's own tools"),
        ("persistent_tasks.", "the source's own background tasks"),
        ("logger.", "log levels are the operator's choice per cluster"),
        ("discovery.", "it names the source's nodes"),
        ("gateway.", "it describes the source's nodes"),
    ]

    public static func decide(_ key: String) -> Decision {
        if let match = leftOut.first(where: { key.hasPrefix($0.prefix) }) { return .leaveOut(match.reason) }
        if carried.contains(where: { key.hasPrefix($0) }) { return .carry }
        return .leaveOut("not known to be safe on another cluster; set it on the target yourself if it should be")
    }

    /// `{"a":{"b":"1"}}` and `{"a.b":"1"}` alike as flat keys; values as the cluster returns them (strings, lists).
    public static func flatten(_ settings: JSONValue?, prefix: String = "") -> [String: JSONValue] {
        guard let object = settings?.objectValue else { return [:] }
        var flat: [String: JSONValue] = [:]
        for (key, value) in object {
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            if value.objectValue != nil {
                flat.merge(flatten(value, prefix: name)) { $1 }
            } else {
                flat[name] = value
            }
        }
        return flat
    }
}
