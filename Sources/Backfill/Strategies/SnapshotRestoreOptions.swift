import Foundation
import SnapshotReader
import TernCore

/// Where a snapshot/restore backfill puts its snapshot and how it restores it.
public struct SnapshotRestoreOptions: Sendable {
    /// Where the repository is: one shared filesystem path that every node of both clusters mounts at the same place and
    /// lists (or a parent of it) in `path.repo` (an `fs` repository), or a bucket both clusters reach:
    /// `s3://BUCKET/BASE_PATH`, `gs://BUCKET/BASE_PATH`, `azure://CONTAINER/BASE_PATH`.
    public var repositoryLocation: String
    /// The client settings of an object-store repository (`s3.client.<name>.*` and the like in each cluster's keystore).
    public var repositoryClient: String
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
        waitTimeout: Duration = .seconds(12 * 3600), healthTimeout: Duration = .seconds(300), repositoryClient: String = "default"
    ) {
        self.repositoryLocation = repositoryLocation
        self.repositoryClient = repositoryClient
        self.repository = repository
        self.snapshot = snapshot
        self.replicas = replicas
        self.waitTimeout = waitTimeout
        self.healthTimeout = healthTimeout
    }

    /// The object store the location names, or nil for a shared filesystem path.
    var objectStore: RepositoryURL? { try? RepositoryURL.parse(repositoryLocation) }

    /// The body of `PUT _snapshot/<repository>`: `fs` with its location, or the object store's type with its bucket (or
    /// container), base path and client. The target registers it read-only: two clusters writing one repository would
    /// corrupt it.
    func registration(readonly: Bool) -> JSONValue {
        var settings: [String: JSONValue]
        let type: String
        if let url = objectStore {
            type = url.kind.repositoryType
            settings = [url.kind == .azure ? "container" : "bucket": .string(url.bucket), "client": .string(repositoryClient)]
            if !url.basePath.isEmpty { settings["base_path"] = .string(url.basePath) }
        } else {
            type = "fs"
            settings = ["location": .string(repositoryLocation)]
        }
        if readonly { settings["readonly"] = .bool(true) }
        return .object(["type": .string(type), "settings": .object(settings)])
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
