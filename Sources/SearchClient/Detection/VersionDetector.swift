import TernCore

/// Recognises distribution and version from what a cluster says about itself. Pure logic over the answers of
/// `GET /`, `GET /_nodes/plugins` and the response headers, so every product's recorded answer can be tested.
public enum VersionDetector {
    /// The evidence gathered from a cluster.
    public struct Evidence: Sendable {
        /// The body of `GET /`.
        public var root: JSONValue
        /// The `X-Elastic-Product` header of `GET /`, if any.
        public var elasticProductHeader: String?
        /// The body of `GET /_nodes/plugins` (or any `_nodes` info), when it could be read.
        public var nodes: JSONValue?
        /// The endpoint's host, for recognising managed services.
        public var host: String

        public init(root: JSONValue, elasticProductHeader: String? = nil, nodes: JSONValue? = nil, host: String) {
            self.root = root
            self.elasticProductHeader = elasticProductHeader
            self.nodes = nodes
            self.host = host
        }
    }

    /// Whether `GET /` looks like a search cluster at all (a version number and a cluster name).
    public static func looksLikeSearchCluster(_ root: JSONValue) -> Bool {
        root.value(at: "version.number")?.stringValue != nil && (root["cluster_name"] != nil || root["tagline"] != nil)
    }

    /// - Returns: nil when `GET /` is not the answer of Elasticsearch or OpenSearch.
    public static func detect(_ evidence: Evidence) -> ClusterInfo? {
        let root = evidence.root
        guard looksLikeSearchCluster(root), let numberText = root.value(at: "version.number")?.stringValue,
            let reported = SemanticVersion(numberText)
        else { return nil }
        let distributionField = root.value(at: "version.distribution")?.stringValue?.lowercased()
        let flavor = root.value(at: "version.build_flavor")?.stringValue
        let tagline = root["tagline"]?.stringValue
        let nodeVersions =
            (evidence.nodes?["nodes"]?.objectValue?.values).map { nodes in
                nodes.compactMap { $0["version"]?.stringValue.flatMap(SemanticVersion.init) }
            } ?? []
        let nodeRoles =
            (evidence.nodes?["nodes"]?.objectValue?.values).map { nodes in
                nodes.flatMap { $0["roles"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
            } ?? []
        let plugins = pluginNames(evidence.nodes)

        var info = ClusterInfo(
            clusterName: root["cluster_name"]?.stringValue ?? "",
            clusterUUID: root["cluster_uuid"]?.stringValue.flatMap { $0 == "_na_" ? nil : $0 },
            version: ClusterVersion(.opensearch, reported),
            hosting: Hosting(host: evidence.host),
            buildFlavor: flavor,
            tagline: tagline)

        if distributionField == "opensearch" || tagline?.contains("OpenSearch") == true {
            return info
        }
        // OpenSearch answering as Elasticsearch 7.10.2: node info still carries the real version, and only OpenSearch
        // nodes say "cluster_manager".
        let realOpenSearch = nodeVersions.min().flatMap { $0.major < 6 && $0 != reported ? $0 : nil }
        if reported == SemanticVersion(7, 10, 2), realOpenSearch != nil || nodeRoles.contains("cluster_manager") {
            info.version = ClusterVersion(.opensearch, realOpenSearch ?? reported)
            info.reportedVersion = numberText
            info.compatibilityModeEnabled = true
            return info
        }
        if plugins.contains(where: { $0.hasPrefix("opendistro") }) {
            info.version = ClusterVersion(.opendistro, reported)
            return info
        }
        info.version = ClusterVersion(
            elasticsearchDistribution(version: reported, flavor: flavor, plugins: plugins, header: evidence.elasticProductHeader), reported)
        return info
    }

    /// The plugin names of all nodes, sorted and unique.
    public static func pluginNames(_ nodes: JSONValue?) -> [String] {
        let names =
            (nodes?["nodes"]?.objectValue?.values).map { nodes in
                nodes.flatMap { $0["plugins"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [] }
            } ?? []
        return Array(Set(names)).sorted()
    }

    private static func elasticsearchDistribution(version: SemanticVersion, flavor: String?, plugins: [String], header: String?)
        -> Distribution
    {
        switch flavor {
        case "oss": return .elasticsearchOSS
        case "default": return .elasticsearch
        default: break
        }
        // No build flavour: before 6.3 there was one Apache-licensed build, with X-Pack as an optional plugin; from 7.11 on
        // there is no OSS build at all.
        if version >= SemanticVersion(7, 11, 0) || header == "Elasticsearch" && version.major >= 8 { return .elasticsearch }
        if plugins.contains("x-pack") || plugins.contains(where: { $0.hasPrefix("x-pack-") }) { return .elasticsearch }
        return .elasticsearchOSS
    }
}
