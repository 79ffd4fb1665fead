import SnapshotReader
import TernCore

/// Where a backfill reads documents.
public enum BackfillSource: Sendable {
    /// A live cluster, read in slices (point in time or scroll).
    case cluster(ClusterConfiguration)
    /// A snapshot in a repository (a folder, or a bucket of an object store), read shard by shard from its Lucene files.
    case snapshot(repository: any RepositoryStorage, snapshot: String)
    /// A Lucene index folder, documents named `index` on the target.
    case luceneFolder(path: String, index: String)
    /// An ndjson file (optionally gzip), one `{"_index","_id","_routing"?,"_source"}` document per line.
    case file(path: String)

    /// A stable, secret-free description for the state store key (`cluster http://old:9200`).
    public var identity: String {
        switch self {
        case .cluster(let configuration): "cluster \(configuration.endpoints.map(ClusterConfiguration.display).joined(separator: ","))"
        case .snapshot(let repository, let snapshot): "snapshot \(repository.location) \(snapshot)"
        case .luceneFolder(let path, let index): "lucene \(path) \(index)"
        case .file(let path): "file \(path)"
        }
    }
}

/// Where a backfill writes documents.
public enum BackfillTarget: Sendable {
    /// A cluster, through `_bulk`.
    case cluster(ClusterConfiguration)
    /// An ndjson file (gzip when the name ends in `.gz`).
    case file(path: String)

    public var identity: String {
        switch self {
        case .cluster(let configuration): "cluster \(configuration.endpoints.map(ClusterConfiguration.display).joined(separator: ","))"
        case .file(let path): "file \(path)"
        }
    }
}
