import TernCore

/// Which installed plugins have a build for an OpenSearch target.
public enum PluginCatalog {
    /// Plugins Elasticsearch OSS and OpenSearch publish under the same name for every release.
    static let sharedPlugins: Set<String> = [
        "analysis-icu", "analysis-kuromoji", "analysis-nori", "analysis-phonetic", "analysis-smartcn", "analysis-stempel",
        "analysis-ukrainian", "discovery-azure-classic", "discovery-ec2", "discovery-gce", "ingest-attachment",
        "mapper-annotated-text", "mapper-murmur3", "mapper-size", "repository-azure", "repository-gcs", "repository-hdfs",
        "repository-s3", "store-smb", "transport-nio", "ingest-geoip", "ingest-user-agent",
    ]

    /// Open Distro plugins and the OpenSearch plugin that replaces each (bundled in the OpenSearch distribution).
    static let openDistroRenames: [String: String] = [
        "opendistro_security": "opensearch-security", "opendistro-security": "opensearch-security",
        "opendistro_alerting": "opensearch-alerting", "opendistro-alerting": "opensearch-alerting",
        "opendistro-anomaly-detection": "opensearch-anomaly-detection", "opendistro_anomaly_detection": "opensearch-anomaly-detection",
        "opendistro_index_management": "opensearch-index-management", "opendistro-index-management": "opensearch-index-management",
        "opendistro-job-scheduler": "opensearch-job-scheduler", "opendistro-knn": "opensearch-knn",
        "opendistro-reports-scheduler": "opensearch-reports-scheduler", "opendistro_sql": "opensearch-sql",
        "opendistro-sql": "opensearch-sql", "opendistro-asynchronous-search": "opensearch-asynchronous-search",
        "opendistro_performance_analyzer": "opensearch-performance-analyzer",
        "opendistro-performance-analyzer": "opensearch-performance-analyzer", "opendistro-notebooks": "opensearch-observability",
    ]

    /// The verdict for one installed plugin, or nil when the target has a build of it.
    public static func blocker(for plugin: String, source: ClusterVersion, target: ClusterVersion) -> UpgradeBlocker? {
        guard target.distribution == .opensearch else { return nil }
        if plugin.hasPrefix("opensearch-") || sharedPlugins.contains(plugin) {
            return nil
        }
        if let replacement = openDistroRenames[plugin] {
            return UpgradeBlocker(
                code: "plugin-without-target-build", severity: .warning,
                message: "Plugin \(plugin) is an Open Distro plugin; OpenSearch ships \(replacement) instead.",
                action: "Install \(replacement) \(target.version) on every node in its place (the OpenSearch distribution bundles it).")
        }
        if plugin.hasPrefix("x-pack") || plugin.hasPrefix("xpack") {
            return UpgradeBlocker(
                code: "plugin-without-target-build", severity: .blocking,
                message: "Plugin \(plugin) is part of Elastic's X-Pack and has no OpenSearch build.",
                action: "Remove it from every node (and its settings) before the first OpenSearch node starts.")
        }
        return UpgradeBlocker(
            code: "plugin-without-target-build", severity: .blocking,
            message:
                "Plugin \(plugin) has no build Tern knows of for \(target.displayName); a node does not start with a plugin built for another version.",
            action:
                "Install a build of \(plugin) for exactly \(target.version) on every node as it is upgraded, or remove the plugin first.")
    }
}
