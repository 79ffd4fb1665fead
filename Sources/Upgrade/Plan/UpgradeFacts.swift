import Compatibility
import SearchClient
import TernCore

/// What the plan needs to know about a live cluster beyond its version: what `tern check` reads, and the settings, disks
/// and snapshot repositories an upgrade depends on. Each optional is nil when the cluster would not tell.
public struct UpgradeFacts: Sendable {
    /// The same profile `tern check` builds (version, health, indices with their creating version).
    public var profile: ClusterProfile
    public var nodes: [NodeSummary]?
    /// Persistent and transient cluster settings, flat (`cluster.routing.allocation.enable`).
    public var clusterSettings: [String: String]?
    /// Keys of node settings (from the nodes' configuration files), flat.
    public var nodeSettingKeys: Set<String>?
    /// Disk use per node, percent.
    public var diskPercent: [String: Int]?
    /// Registered snapshot repositories.
    public var snapshotRepositories: [String]?
    /// Facts that could not be read.
    public var notes: [String]

    public init(
        profile: ClusterProfile, nodes: [NodeSummary]? = nil, clusterSettings: [String: String]? = nil,
        nodeSettingKeys: Set<String>? = nil, diskPercent: [String: Int]? = nil, snapshotRepositories: [String]? = nil,
        notes: [String] = []
    ) {
        self.profile = profile
        self.nodes = nodes
        self.clusterSettings = clusterSettings
        self.nodeSettingKeys = nodeSettingKeys
        self.diskPercent = diskPercent
        self.snapshotRepositories = snapshotRepositories
        self.notes = notes
    }
}
