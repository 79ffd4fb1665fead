/// The product family of a cluster. Raw values are the names used in `--json` output and on the command line.
public enum Distribution: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Elasticsearch under the Apache license (the `oss` build flavour, or any release before 6.3).
    case elasticsearchOSS = "elasticsearch-oss"
    /// Elasticsearch's default distribution (X-Pack included; Elastic License from 6.3, SSPL/ELv2 from 7.11).
    case elasticsearch
    /// Open Distro for Elasticsearch: Elasticsearch OSS with the Open Distro plugins.
    case opendistro
    case opensearch

    public var description: String { rawValue }

    /// The name people write: "Elasticsearch OSS", "OpenSearch"...
    public var displayName: String {
        switch self {
        case .elasticsearchOSS: "Elasticsearch OSS"
        case .elasticsearch: "Elasticsearch"
        case .opendistro: "Open Distro for Elasticsearch"
        case .opensearch: "OpenSearch"
        }
    }

    /// Parses the names and short forms accepted on the command line (`es`, `es-oss`, `os`, `odfe`...).
    public init?(name: String) {
        switch name.lowercased() {
        case "elasticsearch-oss", "es-oss", "oss": self = .elasticsearchOSS
        case "elasticsearch", "es": self = .elasticsearch
        case "opendistro", "odfe", "open-distro": self = .opendistro
        case "opensearch", "os": self = .opensearch
        default: return nil
        }
    }

    /// Whether this is one of the Elasticsearch-based families (including Open Distro).
    public var isElasticsearchFamily: Bool { self != .opensearch }
}
