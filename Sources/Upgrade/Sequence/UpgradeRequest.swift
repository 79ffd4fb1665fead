import TernCore

/// What the operator asked of `tern upgrade rolling | restart | docker`.
public struct UpgradeRequest: Sendable {
    /// The version every node runs afterwards.
    public var target: ClusterVersion
    /// Where `upgrade.json` lives.
    public var stateDirectory: String
    /// Also restart nodes that already run the target (a rolling restart, to apply a static setting).
    public var restartAll: Bool
    /// Take the pre-upgrade snapshot when a repository is registered.
    public var takeSnapshot: Bool
    /// Discard an unfinished upgrade recorded in the state folder instead of resuming it.
    public var fresh: Bool
    /// The order in which nodes restart (rolling upgrades); nil puts cluster-manager-eligible nodes last.
    public var nodeOrder: [String]?

    public init(
        target: ClusterVersion, stateDirectory: String = ".tern", restartAll: Bool = false, takeSnapshot: Bool = true,
        fresh: Bool = false, nodeOrder: [String]? = nil
    ) {
        self.target = target
        self.stateDirectory = stateDirectory
        self.restartAll = restartAll
        self.takeSnapshot = takeSnapshot
        self.fresh = fresh
        self.nodeOrder = nodeOrder
    }
}
