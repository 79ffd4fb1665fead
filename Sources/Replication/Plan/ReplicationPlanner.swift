import TernCore

/// Decides, without I/O, whether cross-cluster replication (the `opensearch-cross-cluster-replication` plugin) can keep
/// the target in sync with the source, and which indices it can follow. The rules are the plugin's own checks
/// (`TransportReplicateIndexAction`, `ValidationUtil`), said before anything is started.
public enum ReplicationPlanner {
    /// The plugin's name as `GET _nodes/plugins` lists it.
    public static let pluginName = "opensearch-cross-cluster-replication"
    /// The setting the plugin puts on a follower index: an index that has it is a follower itself and cannot lead.
    public static let replicatedSetting = "index.plugins.replication.replicated"

    /// What the planner needs of one cluster.
    public struct Cluster: Sendable, Equatable {
        public var version: ClusterVersion
        /// Nodes without the plugin (by name); empty when every node has it.
        public var nodesWithoutPlugin: [String]
        public var nodeCount: Int
        /// Whether the cluster runs the security plugin (`opensearch-security`).
        public var security: Bool

        public init(version: ClusterVersion, nodesWithoutPlugin: [String], nodeCount: Int, security: Bool = false) {
            self.version = version
            self.nodesWithoutPlugin = nodesWithoutPlugin
            self.nodeCount = nodeCount
            self.security = security
        }
    }

    /// One selected source index.
    public struct LeaderIndex: Sendable, Equatable {
        public var name: String
        /// The follower's name on the target (the migration's renames apply).
        public var follower: String
        /// The version that created the index, when the source tells.
        public var createdVersion: ClusterVersion?
        /// `index.soft_deletes.enabled`, defaults included; nil when unknown.
        public var softDeletes: Bool?
        /// Whether the index is itself a follower (it has ``ReplicationPlanner/replicatedSetting``).
        public var isFollower: Bool
        /// Whether the target already has an index of the follower's name.
        public var followerExists: Bool
        /// Whether the target already follows it (a replication status other than not in progress).
        public var alreadyReplicating: Bool

        public init(
            name: String, follower: String, createdVersion: ClusterVersion?, softDeletes: Bool?, isFollower: Bool = false,
            followerExists: Bool = false, alreadyReplicating: Bool = false
        ) {
            self.name = name
            self.follower = follower
            self.createdVersion = createdVersion
            self.softDeletes = softDeletes
            self.isFollower = isFollower
            self.followerExists = followerExists
            self.alreadyReplicating = alreadyReplicating
        }
    }

    /// The plan: what stops replication as a whole, and each index's verdict.
    /// - Parameter roles: whether `start` will name the replication roles (`use_roles`).
    public static func plan(source: Cluster, target: Cluster, indices: [LeaderIndex], roles: Bool = false) -> ReplicationPlan {
        var blockers: [String] = []
        var notes: [String] = []
        if source.security != target.security {
            // Installed is not enabled (plugins.security.disabled), so this is said, not enforced.
            notes.append(
                "the security plugin is installed on the \(source.security ? "source" : "target") only: replication needs it enabled on both clusters or on neither"
            )
        } else if source.security && !roles {
            // The plugin runs replication as the user who started it unless roles are named; both work, if permitted.
            notes.append(
                "both clusters run the security plugin: the user Tern connects with needs the replication permissions (cluster:admin/plugins/replication/* and the index permissions on leader and follower), or name replication roles with --leader-role and --follower-role"
            )
        }
        for (role, cluster) in [("source", source), ("target", target)] {
            if cluster.version.distribution != .opensearch {
                blockers.append(
                    "the \(role) runs \(cluster.version.displayName): cross-cluster replication needs OpenSearch on both sides (use the capture proxy instead)"
                )
            } else if !cluster.nodesWithoutPlugin.isEmpty {
                let nodes = cluster.nodesWithoutPlugin.prefix(5).joined(separator: ", ")
                blockers.append(
                    "\(cluster.nodesWithoutPlugin.count == cluster.nodeCount ? "the \(role) has" : "\(cluster.nodesWithoutPlugin.count) of the \(role)'s \(cluster.nodeCount) nodes have") no \(pluginName) plugin (\(nodes)); install it on every node of both clusters"
                )
            }
        }
        if source.version.distribution == .opensearch, target.version.distribution == .opensearch {
            let (leader, follower) = (source.version.version, target.version.version)
            if follower < leader {
                blockers.append(
                    "the target runs \(target.version.displayName), older than the source's \(source.version.displayName): a follower must run the same version as its leader or a newer one"
                )
            } else if follower.major > leader.major + 1 {
                blockers.append(
                    "the target runs \(target.version.displayName), more than one major version after the source's \(source.version.displayName): the clusters cannot connect (transport compatibility spans one major version)"
                )
            }
        }
        let verdicts = indices.map { index -> ReplicationPlan.IndexVerdict in
            var reasons: [String] = []
            if index.name.hasPrefix(".") {
                reasons.append("a hidden or system index (its name starts with a dot) cannot be replicated")
            }
            if index.softDeletes == false {
                reasons.append(
                    "index.soft_deletes.enabled is false: the plugin replays operations from soft deletes; reindex it with soft deletes on")
            }
            if index.isFollower {
                reasons.append("it is itself a follower (\(replicatedSetting)): a follower cannot lead")
            }
            if let created = index.createdVersion, created.distribution == .opensearch, target.version.version < created.version {
                reasons.append("it was created by \(created.displayName), newer than the target")
            }
            if index.followerExists && !index.alreadyReplicating {
                reasons.append(
                    "the target already has an index named \(index.follower), and replication creates its follower itself: delete it, or rename the follower (--rename)"
                )
            }
            return ReplicationPlan.IndexVerdict(
                index: index.name, follower: index.follower, replicable: reasons.isEmpty, alreadyReplicating: index.alreadyReplicating,
                reasons: reasons)
        }
        return ReplicationPlan(blockers: blockers, notes: notes, indices: verdicts)
    }
}
