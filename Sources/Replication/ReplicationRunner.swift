import Logging
import SearchClient
import TernCore

/// `tern ccr plan|start|status|stop`: keeps the target in sync through the cross-cluster replication plugin, both sides
/// OpenSearch. The target follows the source: it dials the source's transport port as remote cluster ``alias``, and each
/// selected index gets a follower under its migrated name.
public struct ReplicationRunner: Sendable {
    public struct Options: Sendable {
        public var selection: IndexSelection
        /// The remote-cluster name the target knows the source by.
        public var alias: String
        /// An address that reaches the source's transport port (proxy mode), instead of its nodes' publish addresses.
        public var proxyAddress: String?
        /// `use_roles` for clusters with the security plugin: the leader's and the follower's replication roles.
        public var roles: (leader: String, follower: String)?

        public init(
            selection: IndexSelection, alias: String = "tern-source", proxyAddress: String? = nil,
            roles: (leader: String, follower: String)? = nil
        ) {
            self.selection = selection
            self.alias = alias
            self.proxyAddress = proxyAddress
            self.roles = roles
        }
    }

    /// What `start` did.
    public struct StartReport: Sendable, Encodable {
        public var plan: ReplicationPlan
        /// How the target reaches the source: the seeds, or the proxy address.
        public var connection: [String]
        public var started: [String]
        /// Followers that were already replicating, left alone.
        public var alreadyReplicating: [String]
    }

    public let source: ClusterConfiguration
    public let target: ClusterConfiguration
    public let options: Options
    public let logger: Logger

    public init(source: ClusterConfiguration, target: ClusterConfiguration, options: Options, logger: Logger) {
        self.source = source
        self.target = target
        self.options = options
        self.logger = logger
    }

    /// Checks both clusters and every selected index; changes nothing.
    public func plan() async throws -> ReplicationPlan {
        try await withClients { client in try await plan(client) }
    }

    /// Connects the target to the source and starts a follower for every selected index, once the plan has no blocker
    /// and no index it cannot replicate (a partial sync would let the cutover lose the rest).
    public func start() async throws -> StartReport {
        try await withClients { client in
            let plan = try await plan(client)
            let refused = plan.indices.filter { !$0.replicable }
            guard plan.blockers.isEmpty, refused.isEmpty, !plan.indices.isEmpty else {
                let reasons =
                    plan.blockers + refused.map { "\($0.index): \($0.reasons.joined(separator: "; "))" }
                    + (plan.indices.isEmpty ? ["no open source index matches the selection"] : [])
                throw TernError(
                    .failedChecks,
                    "Replication was not started: \(reasons.joined(separator: "; ")). Fix these (tern ccr plan lists them) or keep the target in sync with tern proxy and tern replay.",
                    exitCode: .failure)
            }
            let seeds = options.proxyAddress == nil ? try await client.transportSeeds() : []
            guard options.proxyAddress != nil || !seeds.isEmpty else {
                throw TernError(
                    .badResponse,
                    "The source names no transport address (GET _nodes/transport); give one that reaches its transport port with --proxy-address HOST:PORT."
                )
            }
            try await client.connect(alias: options.alias, seeds: seeds, proxy: options.proxyAddress)
            var started: [String] = []
            for index in plan.indices where !index.alreadyReplicating {
                try await client.start(follower: index.follower, leader: index.index, alias: options.alias, roles: options.roles)
                logger.info("replication started", metadata: ["leader": "\(index.index)", "follower": "\(index.follower)"])
                started.append(index.follower)
            }
            return StartReport(
                plan: plan, connection: options.proxyAddress.map { [$0] } ?? seeds, started: started,
                alreadyReplicating: plan.indices.filter(\.alreadyReplicating).map(\.follower))
        }
    }

    /// Each selected index's follower status and lag.
    public func status() async throws -> [ReplicationClient.FollowerStatus] {
        try await withClients { client in try await statuses(client, of: try await followers(client)) }
    }

    /// Stops every follower of the selection that replicates; returns those stopped. They become ordinary writable
    /// indices and cannot resume.
    public func stop() async throws -> [String] {
        try await withClients { client in
            var stopped: [String] = []
            for status in try await statuses(client, of: try await followers(client)) where status.isReplicating {
                try await client.stop(follower: status.follower)
                logger.notice("replication stopped", metadata: ["follower": "\(status.follower)"])
                stopped.append(status.follower)
            }
            return stopped
        }
    }

    /// For the cutover, with writes blocked on the source: waits until every follower of the selection has its leader's
    /// last operation, then stops them all (they become writable). Followers no longer replicating count as stopped by
    /// an earlier attempt. Returns what it stopped.
    /// - Throws: `TernError` when a follower is paused, or still behind after `timeout`.
    public func catchUpAndStop(timeout: Duration, poll: Duration = .milliseconds(250)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        return try await withClients { client in
            // The selection is fixed while the source is blocked: its followers are listed once, then only polled.
            let followers = try await followers(client)
            while true {
                switch ReplicationCatchUp.decide(try await statuses(client, of: followers)) {
                case .fail(let reason):
                    throw TernError(.failedChecks, reason)
                case .stop(let replicating):
                    for follower in replicating { try await client.stop(follower: follower) }
                    return replicating
                case .wait(let behind):
                    guard ContinuousClock.now < deadline else {
                        let list = behind.sorted { $0.key < $1.key }.map {
                            "\($0.key) \($0.value.map { "\($0) operations" } ?? "bootstrapping")"
                        }
                        throw TernError(
                            .failedChecks,
                            "followers still behind their leaders after \(timeout) (\(list.joined(separator: ", "))); raise cutover.drain_timeout or check the replication"
                        )
                    }
                    try await Task.sleep(for: poll)
                }
            }
        }
    }

    /// Waits until no follower of the selection is bootstrapping (copying the leader's files) any more, for
    /// `tern migrate`; returns the followers. Each poll is logged; a paused follower or one not following fails it.
    public func waitForBootstrap(poll: Duration = .seconds(2)) async throws -> [ReplicationClient.FollowerStatus] {
        try await withClients { client in
            let followers = try await followers(client)
            while true {
                let statuses = try await statuses(client, of: followers)
                if let broken = statuses.first(where: { !$0.isReplicating || $0.status == "PAUSED" }) {
                    throw TernError(
                        .failedChecks,
                        "replication of \(broken.follower) is \(broken.status.lowercased())\(broken.reason.map { " (\($0))" } ?? ""); see tern ccr status"
                    )
                }
                let bootstrapping = statuses.filter { $0.status == "BOOTSTRAPPING" }
                if bootstrapping.isEmpty { return statuses }
                logger.info("followers bootstrapping", metadata: ["followers": "\(bootstrapping.map(\.follower))"])
                try await Task.sleep(for: poll)
            }
        }
    }

    /// The followers' names: each open source index of the selection under its migrated name.
    private func followers(_ client: ReplicationClient) async throws -> [String] {
        options.selection.openIndices(try await client.source.indices(), logger: logger).map { options.selection.targetName(for: $0.name) }
    }

    private func statuses(_ client: ReplicationClient, of followers: [String]) async throws -> [ReplicationClient.FollowerStatus] {
        var statuses: [ReplicationClient.FollowerStatus] = []
        for follower in followers { statuses.append(try await client.status(follower: follower)) }
        return statuses
    }

    /// Removes the target's remote-cluster connection to the source, for `tern decommission`.
    public func disconnect() async throws {
        try await withClients { client in try await client.disconnect(alias: options.alias) }
    }

    private func plan(_ client: ReplicationClient) async throws -> ReplicationPlan {
        ReplicationPlanner.plan(
            source: try await ReplicationClient.cluster(client.source), target: try await ReplicationClient.cluster(client.target),
            indices: try await client.leaderIndices(selection: options.selection, logger: logger), roles: options.roles != nil)
    }

    private func withClients<T: Sendable>(_ body: (ReplicationClient) async throws -> T) async throws -> T {
        try await SearchClient.withClient(source, logger: logger) { source in
            try await SearchClient.withClient(target, logger: logger) { target in
                try await body(ReplicationClient(source: source, target: target))
            }
        }
    }
}
