import TernCore
import Testing

@testable import Replication

/// The plugin's own checks, said before anything starts.
@Suite struct ReplicationPlannerTests {
    static func opensearch(_ major: Int, _ minor: Int) -> ClusterVersion { ClusterVersion(.opensearch, SemanticVersion(major, minor, 0)) }

    static func cluster(_ version: ClusterVersion, without: [String] = [], nodes: Int = 3) -> ReplicationPlanner.Cluster {
        ReplicationPlanner.Cluster(version: version, nodesWithoutPlugin: without, nodeCount: nodes)
    }

    static func leader(_ name: String, follower: String? = nil, softDeletes: Bool? = true) -> ReplicationPlanner.LeaderIndex {
        ReplicationPlanner.LeaderIndex(name: name, follower: follower ?? name, createdVersion: opensearch(2, 11), softDeletes: softDeletes)
    }

    @Test func twoOpenSearchClustersWithThePluginReplicateEveryOrdinaryIndex() {
        let plan = ReplicationPlanner.plan(
            source: Self.cluster(Self.opensearch(2, 11)), target: Self.cluster(Self.opensearch(3, 1)),
            indices: [Self.leader("logs"), Self.leader("orders", follower: "orders-v2")])
        #expect(plan.blockers.isEmpty)
        #expect(plan.indices.map(\.follower) == ["logs", "orders-v2"])
        #expect(plan.ready)
    }

    @Test func whatStopsReplicationAsAWholeIsNamed() {
        let elastic = ReplicationPlanner.plan(
            source: Self.cluster(ClusterVersion(.elasticsearch, SemanticVersion(7, 10, 2))), target: Self.cluster(Self.opensearch(2, 19)),
            indices: [Self.leader("logs")])
        #expect(elastic.blockers.count == 1 && elastic.blockers[0].contains("needs OpenSearch on both sides"))
        let partial = ReplicationPlanner.plan(
            source: Self.cluster(Self.opensearch(2, 19), without: ["node-3"]),
            target: Self.cluster(Self.opensearch(2, 19), without: ["a", "b", "c"]),
            indices: [Self.leader("logs")])
        #expect(partial.blockers.contains { $0.hasPrefix("1 of the source's 3 nodes have no opensearch-cross-cluster-replication") })
        #expect(partial.blockers.contains { $0.hasPrefix("the target has no opensearch-cross-cluster-replication") })
        let older = ReplicationPlanner.plan(
            source: Self.cluster(Self.opensearch(2, 19)), target: Self.cluster(Self.opensearch(2, 11)), indices: [Self.leader("logs")])
        #expect(older.blockers.first?.contains("older than the source") == true)
        let far = ReplicationPlanner.plan(
            source: Self.cluster(Self.opensearch(1, 3)), target: Self.cluster(Self.opensearch(3, 0)), indices: [Self.leader("logs")])
        #expect(far.blockers.first?.contains("more than one major version") == true)
        #expect(!far.ready)
    }

    @Test func anIndexThePluginWouldRefuseSaysWhy() {
        var follower = Self.leader("copied")
        follower.isFollower = true
        var taken = Self.leader("taken")
        taken.followerExists = true
        var running = Self.leader("running")
        running.followerExists = true
        running.alreadyReplicating = true
        let plan = ReplicationPlanner.plan(
            source: Self.cluster(Self.opensearch(2, 19)), target: Self.cluster(Self.opensearch(2, 19)),
            indices: [Self.leader(".hidden"), Self.leader("old", softDeletes: false), follower, taken, running])
        let reasons = Dictionary(uniqueKeysWithValues: plan.indices.map { ($0.index, $0.reasons.joined()) })
        #expect(reasons[".hidden"]?.contains("starts with a dot") == true)
        #expect(reasons["old"]?.contains("soft_deletes") == true)
        #expect(reasons["copied"]?.contains("a follower cannot lead") == true)
        #expect(reasons["taken"]?.contains("already has an index named taken") == true)
        #expect(reasons["running"] == "", "an index the target follows already is fine")
        #expect(plan.indices.first { $0.index == "running" }?.alreadyReplicating == true)
        #expect(!plan.ready)
    }

    @Test func theSecurityPluginMustRunOnBothSidesAndItsPermissionsAreNamed() {
        var secured = Self.cluster(Self.opensearch(2, 19))
        secured.security = true
        let lopsided = ReplicationPlanner.plan(
            source: secured, target: Self.cluster(Self.opensearch(2, 19)), indices: [Self.leader("logs")])
        #expect(lopsided.notes.first?.contains("installed on the source only") == true)
        let both = ReplicationPlanner.plan(source: secured, target: secured, indices: [Self.leader("logs")])
        #expect(both.ready && both.notes.first?.contains("--leader-role") == true)
        #expect(ReplicationPlanner.plan(source: secured, target: secured, indices: [Self.leader("logs")], roles: true).notes.isEmpty)
    }
}
