/// The contents of `tern.yml`, after flags were applied: the two clusters of a migration and how to run it.
public struct TernConfiguration: Sendable, Hashable {
    public var source: ClusterConfiguration?
    public var target: ClusterConfiguration?
    public var migration: MigrationSettings
    public var cutover: CutoverSettings
    public var upgrade: UpgradeSettings
    /// Snapshot repositories in object stores, by name (`repositories:`).
    public var repositories: [String: RepositorySettings] = [:]
    /// Where the workers of a shared backfill coordinate (`coordination:`), when not on the target.
    public var coordination: ClusterConfiguration?

    public init(
        source: ClusterConfiguration? = nil, target: ClusterConfiguration? = nil, migration: MigrationSettings = MigrationSettings(),
        cutover: CutoverSettings = CutoverSettings(), upgrade: UpgradeSettings = UpgradeSettings()
    ) {
        self.source = source
        self.target = target
        self.migration = migration
        self.cutover = cutover
        self.upgrade = upgrade
    }

    /// The file Tern reads when `--config` is not given.
    public static let defaultFileName = "tern.yml"

    /// The settings for a repository given by name or by URL: the entry of that name, else the entry with that URL.
    public func repository(_ nameOrURL: String) -> RepositorySettings? {
        repositories[nameOrURL] ?? repositories.values.first { $0.url == nameOrURL }
    }

    /// The source cluster, or an error saying how to name one.
    public func requireSource() throws -> ClusterConfiguration {
        guard let source else {
            throw TernError.configuration(
                "No source cluster: pass --source URL or add a source: section to tern.yml (tern init writes a sample).")
        }
        return source
    }

    /// The target cluster, or an error saying how to name one.
    public func requireTarget() throws -> ClusterConfiguration {
        guard let target else {
            throw TernError.configuration(
                "No target cluster: pass --target URL or add a target: section to tern.yml (tern init writes a sample).")
        }
        return target
    }
}
