import SearchClient
import TernCore

/// What `tern check` learned about one side.
public struct ClusterReport: Sendable, Codable {
    /// Whether a cluster was asked or only a version given; the raw values are the words `--json` prints.
    public enum Mode: String, Sendable, Codable {
        case live, offline
    }

    public var mode: Mode
    /// scheme://host:port, never credentials.
    public var endpoint: String?
    public var reachable: Bool?
    public var distribution: Distribution?
    public var version: SemanticVersion?
    public var clusterName: String?
    public var clusterUUID: String?
    public var hosting: Hosting?
    /// What `GET /` claimed when it differs from the real version.
    public var reportedVersion: String?
    public var compatibilityMode: Bool?
    public var health: ClusterHealth?
    public var nodes: [NodeSummary]?
    public var indexCount: Int?
    public var documentCount: Int64?
    public var storeBytes: Int64?
    public var indices: [IndexSummary]?
    public var plugins: [String]?
    /// Facts that could not be read (a managed service hiding `_nodes`, say); the check still stands.
    public var notes: [String]?
    /// Why the cluster could not be checked.
    public var error: String?
    /// The exit code that error calls for.
    public var errorExitCode: Int32?

    public init(mode: Mode) {
        self.mode = mode
    }

    enum CodingKeys: String, CodingKey {
        case mode, endpoint, reachable, distribution, version, hosting, health, nodes, indices, plugins, notes, error
        case clusterName = "cluster_name"
        case clusterUUID = "cluster_uuid"
        case reportedVersion = "reported_version"
        case compatibilityMode = "compatibility_mode"
        case indexCount = "index_count"
        case documentCount = "document_count"
        case storeBytes = "store_bytes"
        case errorExitCode = "error_exit_code"
    }
}
