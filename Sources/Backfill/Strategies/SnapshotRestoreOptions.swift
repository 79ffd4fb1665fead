import Foundation

/// Where a snapshot/restore backfill puts its snapshot and how it restores it.
public struct SnapshotRestoreOptions: Sendable {
    /// The `fs` repository location: one shared filesystem path that every node of both clusters mounts at the same place
    /// and lists (or a parent of it) in `path.repo`.
    public var repositoryLocation: String
    /// The repository name registered on both clusters.
    public var repository: String
    /// The snapshot's name; nil generates `tern-<yyyyMMdd-HHmmss>`. An existing snapshot of that name is restored as is.
    public var snapshot: String?
    /// `index.number_of_replicas` of the restored indices; 0 makes them green on any target and fastest to restore.
    public var replicas: Int
    /// How long one snapshot or restore call may take (both wait for completion).
    public var waitTimeout: Duration
    /// How long to wait for the restored indices to turn green.
    public var healthTimeout: Duration

    public init(
        repositoryLocation: String, repository: String = "tern-migration", snapshot: String? = nil, replicas: Int = 0,
        waitTimeout: Duration = .seconds(12 * 3600), healthTimeout: Duration = .seconds(300)
    ) {
        self.repositoryLocation = repositoryLocation
        self.repository = repository
        self.snapshot = snapshot
        self.replicas = replicas
        self.waitTimeout = waitTimeout
        self.healthTimeout = healthTimeout
    }

    /// `tern-20250101-120000` (UTC): snapshot names must be lowercase.
    static func generatedName(at date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "tern-\(formatter.string(from: date))"
    }
}
