import Logging
import NIOHTTP1
import SearchClient
import TernCore

/// The requests of cross-cluster replication: what the planner needs to know of both clusters, the remote-cluster
/// connection on the target, and starting, watching and stopping each follower (`_plugins/_replication`).
public struct ReplicationClient: Sendable {
    /// One follower's state as `GET _plugins/_replication/<index>/_status` answers it.
    public struct FollowerStatus: Sendable, Encodable, Equatable {
        public var follower: String
        /// `RUNNING`, `SYNCING`, `BOOTSTRAPPING`, `PAUSED` or `REPLICATION NOT IN PROGRESS`.
        public var status: String
        public var reason: String?
        public var leaderCheckpoint: Int64?
        public var followerCheckpoint: Int64?

        /// Operations the follower has yet to apply; nil while unknown (bootstrapping).
        public var lag: Int64? {
            guard let leaderCheckpoint, let followerCheckpoint else { return nil }
            return max(0, leaderCheckpoint - followerCheckpoint)
        }

        /// Whether the plugin follows the leader now (or is about to).
        public var isReplicating: Bool { ["RUNNING", "SYNCING", "BOOTSTRAPPING", "PAUSED"].contains(status) }

        enum CodingKeys: String, CodingKey {
            case follower, status, reason, lag
            case leaderCheckpoint = "leader_checkpoint"
            case followerCheckpoint = "follower_checkpoint"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(follower, forKey: .follower)
            try container.encode(status, forKey: .status)
            try container.encodeIfPresent(reason, forKey: .reason)
            try container.encodeIfPresent(leaderCheckpoint, forKey: .leaderCheckpoint)
            try container.encodeIfPresent(followerCheckpoint, forKey: .followerCheckpoint)
            try container.encodeIfPresent(lag, forKey: .lag)
        }
    }

    public let source: SearchClient
    public let target: SearchClient

    public init(source: SearchClient, target: SearchClient) {
        self.source = source
        self.target = target
    }

    // MARK: Planning

    /// A cluster's version and the nodes that lack the plugin.
    public static func cluster(_ client: SearchClient) async throws -> ReplicationPlanner.Cluster {
        let version = try await client.info().version
        let nodes = try await client.nodes()
        return ReplicationPlanner.Cluster(
            version: version, nodesWithoutPlugin: nodes.filter { !$0.plugins.contains(ReplicationPlanner.pluginName) }.map(\.name).sorted(),
            nodeCount: nodes.count, security: nodes.contains { $0.plugins.contains("opensearch-security") })
    }

    /// The selected open source indices as the planner needs them: creation version, soft deletes (defaults included),
    /// whether each is a follower itself, and what the target has under the follower's name.
    public func leaderIndices(selection: IndexSelection, logger: Logger) async throws -> [ReplicationPlanner.LeaderIndex] {
        let selected = selection.openIndices(try await source.indices(), logger: logger)
        let onTarget = Set(try await target.indices().map(\.name))
        var leaders: [ReplicationPlanner.LeaderIndex] = []
        for index in selected {
            let path = "/\(SearchClient.pathSegment(index.name))/_settings"
            let answer = try await source.getJSON(path, query: [("include_defaults", "true"), ("flat_settings", "true")])
            let entry = answer[index.name]
            func setting(_ key: String) -> String? {
                entry?["settings"]?[key]?.stringValue ?? entry?["defaults"]?[key]?.stringValue
            }
            let follower = selection.targetName(for: index.name)
            let exists = onTarget.contains(follower)
            let replicating = exists ? try await status(follower: follower).isReplicating : false
            leaders.append(
                ReplicationPlanner.LeaderIndex(
                    name: index.name, follower: follower, createdVersion: index.createdVersion,
                    softDeletes: setting("index.soft_deletes.enabled").map { $0 == "true" },
                    isFollower: setting(ReplicationPlanner.replicatedSetting).map { !$0.isEmpty } ?? false, followerExists: exists,
                    alreadyReplicating: replicating))
        }
        return leaders
    }

    // MARK: Starting

    /// The source's transport publish addresses (`GET _nodes/transport`), which a remote-cluster connection dials.
    public func transportSeeds() async throws -> [String] {
        let answer = try await source.getJSON("/_nodes/transport")
        let seeds = (answer["nodes"]?.objectValue ?? [:]).values.compactMap { $0["transport"]?["publish_address"]?.stringValue }
        return seeds.sorted()
    }

    /// Connects the target to the source as remote cluster `alias`: by seeds (sniff mode), or through `proxy` (an
    /// address that reaches the source's transport port, proxy mode).
    public func connect(alias: String, seeds: [String], proxy: String?) async throws {
        let prefix = "cluster.remote.\(alias)."
        let settings: [String: JSONValue] =
            if let proxy {
                [prefix + "mode": .string("proxy"), prefix + "proxy_address": .string(proxy)]
            } else {
                [prefix + "mode": .string("sniff"), prefix + "seeds": .array(seeds.map(JSONValue.string))]
            }
        try await send(target, .PUT, "/_cluster/settings", body: .object(["persistent": .object(settings)]))
    }

    /// Removes the remote-cluster connection `alias` from the target (every setting `connect` may have made).
    public func disconnect(alias: String) async throws {
        let prefix = "cluster.remote.\(alias)."
        let settings = Dictionary(uniqueKeysWithValues: ["mode", "seeds", "proxy_address"].map { (prefix + $0, JSONValue.null) })
        try await send(target, .PUT, "/_cluster/settings", body: .object(["persistent": .object(settings)]))
    }

    /// Starts following `leader` on the source as `follower` on the target.
    public func start(follower: String, leader: String, alias: String, roles: (leader: String, follower: String)?) async throws {
        var body: [String: JSONValue] = ["leader_alias": .string(alias), "leader_index": .string(leader)]
        if let roles {
            body["use_roles"] = .object(["leader_cluster_role": .string(roles.leader), "follower_cluster_role": .string(roles.follower)])
        }
        try await send(target, .PUT, "/_plugins/_replication/\(SearchClient.pathSegment(follower))/_start", body: .object(body))
    }

    // MARK: Watching and stopping

    /// A follower's status; `REPLICATION NOT IN PROGRESS` for an index the plugin does not follow.
    public func status(follower: String) async throws -> FollowerStatus {
        let path = "/_plugins/_replication/\(SearchClient.pathSegment(follower))/_status"
        let response = try await target.send(.GET, path)
        try target.checkAccess(response, method: "GET", path: path)
        guard response.isSuccess, let json = response.json() else {
            if [400, 404].contains(response.status) {
                return FollowerStatus(follower: follower, status: "REPLICATION NOT IN PROGRESS", reason: response.errorSummary)
            }
            throw TernError(
                .badResponse,
                "The \(target.displayName) answered GET \(path) with HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? ""); check its replication plugin."
            )
        }
        return FollowerStatus(
            follower: follower, status: json["status"]?.stringValue ?? "UNKNOWN", reason: json["reason"]?.stringValue,
            leaderCheckpoint: json["syncing_details"]?["leader_checkpoint"]?.intValue,
            followerCheckpoint: json["syncing_details"]?["follower_checkpoint"]?.intValue)
    }

    /// Stops following: the follower index becomes an ordinary, writable index. It cannot resume; following again
    /// starts from scratch.
    public func stop(follower: String) async throws {
        try await send(target, .POST, "/_plugins/_replication/\(SearchClient.pathSegment(follower))/_stop", body: .object([:]))
    }

    private func send(_ client: SearchClient, _ method: HTTPMethod, _ path: String, body: JSONValue) async throws {
        let response = try await client.send(method, path, body: try RequestBody.encode(body))
        try client.checkAccess(response, method: "\(method)", path: path)
        guard response.isSuccess else {
            throw TernError(
                .badResponse,
                "The \(client.displayName) refused \(method) \(path) (HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")); check its replication plugin and the security roles replication needs."
            )
        }
    }
}
