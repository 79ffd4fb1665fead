/// The `migration:` section of `tern.yml`: what `tern migrate` copies and where its workspace lives.
public struct MigrationSettings: Sendable, Hashable {
    /// Source index patterns (globs, `-pattern` excludes); empty means every open, non-system index.
    public var indices: [String]
    /// The state folder (SQLite state store, audit log).
    public var stateDirectory: String
    /// The capture log folder the proxy writes and the replayer reads.
    public var captureDirectory: String
    /// The running `tern proxy`'s address, when clients write through it.
    public var proxy: String?
    /// The file holding the proxy's admin token.
    public var proxyTokenFile: String?
    /// The patterns of ``indices`` to include (those without a leading `-`).
    public var includedIndices: [String] { indices.filter { !$0.hasPrefix("-") } }
    /// The patterns of ``indices`` to exclude (those with a leading `-`, without it).
    public var excludedIndices: [String] { indices.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) } }

    /// How the target is kept in sync: the capture proxy (default) or cross-cluster replication.
    public var sync: SyncMethod

    public init(
        indices: [String] = [], stateDirectory: String = ".tern", captureDirectory: String = ".tern/capture", proxy: String? = nil,
        proxyTokenFile: String? = nil, sync: SyncMethod = .proxy
    ) {
        self.sync = sync
        self.indices = indices
        self.stateDirectory = stateDirectory
        self.captureDirectory = captureDirectory
        self.proxy = proxy
        self.proxyTokenFile = proxyTokenFile
    }
}
