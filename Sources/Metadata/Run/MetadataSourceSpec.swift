import TernCore

/// Where metadata is read from.
public enum MetadataSourceSpec: Sendable {
    case cluster(ClusterConfiguration)
    case snapshot(repository: String, snapshot: String)
}
