/// The ways to move a cluster's data to a target version. Raw values are the names in `--json` output.
public enum Strategy: String, Sendable, Codable, CaseIterable {
    /// Upgrade the nodes one at a time while the cluster keeps serving.
    case rollingUpgrade = "rolling-upgrade"
    /// Stop every node, upgrade, start again: downtime, but fewer version constraints.
    case restartUpgrade = "restart-upgrade"
    /// Snapshot the source, restore into the target (the target must read the index format).
    case snapshotRestore = "snapshot-restore"
    /// The target's `_reindex` pulls documents from the source over HTTP.
    case remoteReindex = "remote-reindex"
    /// Tern reads every document from the source (live or snapshot) and writes it to the target, then keeps it in sync.
    case documentCopy = "document-copy"

    /// Whether the strategy upgrades the source cluster itself rather than filling another cluster.
    public var isInPlace: Bool { self == .rollingUpgrade || self == .restartUpgrade }
}
