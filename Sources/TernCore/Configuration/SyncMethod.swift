/// How the target is kept in sync while clients write to the source (`migration.sync` in tern.yml).
public enum SyncMethod: String, Sendable, Hashable, CaseIterable {
    /// Clients write through `tern proxy`; `tern replay` applies the capture log.
    case proxy
    /// OpenSearch's cross-cluster replication: the target follows the source (`tern ccr`).
    case ccr
}
