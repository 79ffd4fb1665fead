import SearchClient
import TernCore

/// What the advisor knows about one side: at least a version; for a live cluster also its indices and settings.
public struct ClusterProfile: Sendable {
    public var version: ClusterVersion
    public var hosting: Hosting
    /// Indices with the version that created them; nil offline.
    public var indices: [IndexSummary]?
    /// Indices whose mapping disables `_source`; nil offline.
    public var sourceDisabledIndices: [String]?
    public var health: ClusterHealth?
    /// `reindex.remote.allowlist` (or whitelist) entries of the nodes, when they could be read.
    public var remoteAllowlist: [String]?
    /// `host:port` of the cluster's endpoint, as a target's allowlist must name it.
    public var hostAndPort: String?
    public var clusterUUID: String?
    public var compatibilityModeEnabled: Bool

    public init(
        version: ClusterVersion, hosting: Hosting = .selfManaged, indices: [IndexSummary]? = nil,
        sourceDisabledIndices: [String]? = nil, health: ClusterHealth? = nil, remoteAllowlist: [String]? = nil,
        hostAndPort: String? = nil, clusterUUID: String? = nil, compatibilityModeEnabled: Bool = false
    ) {
        self.version = version
        self.hosting = hosting
        self.indices = indices
        self.sourceDisabledIndices = sourceDisabledIndices
        self.health = health
        self.remoteAllowlist = remoteAllowlist
        self.hostAndPort = hostAndPort
        self.clusterUUID = clusterUUID
        self.compatibilityModeEnabled = compatibilityModeEnabled
    }

    /// Whether live facts (indices, health) are known.
    public var isLive: Bool { indices != nil }
}
