import SnapshotReader
import TernCore

/// Where metadata is read from.
public enum MetadataSourceSpec: Sendable {
    case cluster(ClusterConfiguration)
    /// A snapshot in a repository: a folder, or a bucket of an object store.
    case snapshot(repository: any RepositoryStorage, snapshot: String)
}
