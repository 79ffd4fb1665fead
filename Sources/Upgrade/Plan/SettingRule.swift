import TernCore

/// A cluster or node setting that a target version removed or deprecated, with what to do about it.
public struct SettingRule: Sendable {
    /// An exact key, or a prefix ending in `.` (`xpack.`).
    public var key: String
    public var severity: UpgradeBlocker.Severity
    /// Whether the rule applies to a move from `source` to `target`.
    public var applies: @Sendable (_ source: ClusterVersion, _ target: ClusterVersion) -> Bool
    /// Why it matters on the target.
    public var problem: String
    public var action: String

    public func matches(_ setting: String) -> Bool {
        key.hasSuffix(".") ? setting.hasPrefix(key) : setting == key
    }

    /// The settings rules of the OpenSearch line, from the Elasticsearch and OpenSearch breaking-change notes.
    public static let catalog: [SettingRule] = {
        let toOpenSearch: @Sendable (ClusterVersion, ClusterVersion) -> Bool = { source, target in
            source.distribution.isElasticsearchFamily && target.distribution == .opensearch
        }
        let toOpenSearch2: @Sendable (ClusterVersion, ClusterVersion) -> Bool = { _, target in
            target.distribution == .opensearch && target.version.major >= 2
        }
        let fromSix: @Sendable (ClusterVersion, ClusterVersion) -> Bool = { source, target in
            source.distribution.isElasticsearchFamily && source.version.major <= 6 && target.indexGeneration >= 7
        }
        return [
            SettingRule(
                key: "xpack.", severity: .blocking, applies: toOpenSearch,
                problem:
                    "OpenSearch has no X-Pack: OpenSearch nodes refuse to start with xpack.* node settings, and archive such cluster settings.",
                action:
                    "Remove xpack.* from elasticsearch.yml on every node and reset the cluster settings (PUT _cluster/settings with null values) first."
            ),
            SettingRule(
                key: "compatibility.override_main_response_version", severity: .blocking, applies: toOpenSearch2,
                problem:
                    "OpenSearch 2.0 removed compatibility.override_main_response_version (it made OpenSearch 1.x answer as Elasticsearch 7.10.2).",
                action:
                    "Move clients that need it to OpenSearch clients, then remove the setting (PUT _cluster/settings with null) before the step to 2.x."
            ),
            SettingRule(
                key: "discovery.zen.", severity: .warning, applies: fromSix,
                problem: "discovery.zen.* (Zen1 discovery) settings are deprecated or ignored from 7.x and OpenSearch on.",
                action:
                    "Use discovery.seed_hosts and, for a new cluster only, cluster.initial_master_nodes in the nodes' configuration files."
            ),
            SettingRule(
                key: "cluster.initial_master_nodes", severity: .warning, applies: toOpenSearch2,
                problem: "OpenSearch 2.x deprecates cluster.initial_master_nodes in favour of cluster.initial_cluster_manager_nodes.",
                action: "It still works; rename it to cluster.initial_cluster_manager_nodes in the configuration files when convenient."
            ),
            SettingRule(
                key: "node.master", severity: .warning, applies: toOpenSearch2,
                problem: "OpenSearch 2.x deprecates node.master in favour of node.roles: [cluster_manager, ...].",
                action: "Replace node.master (and node.data, node.ingest) with node.roles in the configuration files."
            ),
            SettingRule(
                key: "opendistro_security.", severity: .warning, applies: { _, target in target.distribution == .opensearch },
                problem: "Open Distro security settings were renamed plugins.security.* in OpenSearch.",
                action: "Rename opendistro_security.* settings to plugins.security.* in the configuration files."
            ),
            SettingRule(
                key: "opendistro.", severity: .warning, applies: toOpenSearch2,
                problem: "Legacy opendistro.* plugin settings are deprecated in OpenSearch 2.x (plugins.* replaces them).",
                action: "Rename opendistro.* settings to their plugins.* names."
            ),
        ]
    }()
}
