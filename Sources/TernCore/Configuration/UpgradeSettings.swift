/// The `upgrade:` section of `tern.yml`: how `tern upgrade` restarts nodes and how long it waits.
public struct UpgradeSettings: Sendable, Hashable {
    public init() {}
}
