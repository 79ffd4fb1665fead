/// The `upgrade:` section of `tern.yml`: how `tern upgrade` restarts nodes and how long it waits.
public struct UpgradeSettings: Sendable, Hashable {
    /// Commands that restart one node on the new version during a rolling upgrade; `{node}` is the node's name, `{host}` its host.
    public var restartNodeHooks: [HookCommand]
    /// Commands that stop every node for a restart upgrade.
    public var stopClusterHooks: [HookCommand]
    /// Commands that start every node on the new version for a restart upgrade.
    public var startClusterHooks: [HookCommand]
    /// The Docker Compose command (`docker compose`, `docker-compose`, `podman compose`).
    public var composeCommand: String
    /// How long a restarted node may take to rejoin the cluster with the new version.
    public var nodeTimeout: Duration
    /// How long the cluster may take to return to green (yellow for a single node) after a restart.
    public var healthTimeout: Duration
    /// How often the cluster is asked while Tern waits.
    public var pollInterval: Duration
    /// How long one hook command may run before it is stopped.
    public var hookTimeout: Duration
    /// The snapshot repository for the pre-upgrade snapshot; nil takes the first registered one.
    public var snapshotRepository: String?
    /// Disk use (percent of a node's disk) above which the plan reports a blocker.
    public var maxDiskPercent: Int

    public init(
        restartNodeHooks: [HookCommand] = [], stopClusterHooks: [HookCommand] = [], startClusterHooks: [HookCommand] = [],
        composeCommand: String = "docker compose", nodeTimeout: Duration = .seconds(600), healthTimeout: Duration = .seconds(1800),
        pollInterval: Duration = .seconds(2), hookTimeout: Duration = .seconds(900), snapshotRepository: String? = nil,
        maxDiskPercent: Int = 85
    ) {
        self.restartNodeHooks = restartNodeHooks
        self.stopClusterHooks = stopClusterHooks
        self.startClusterHooks = startClusterHooks
        self.composeCommand = composeCommand
        self.nodeTimeout = nodeTimeout
        self.healthTimeout = healthTimeout
        self.pollInterval = pollInterval
        self.hookTimeout = hookTimeout
        self.snapshotRepository = snapshotRepository
        self.maxDiskPercent = maxDiskPercent
    }
}
