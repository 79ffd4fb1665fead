import TernCore

/// Everything the metadata step reads from a source (a live cluster or a snapshot), in the shapes the REST API returns.
public struct SourceMetadata: Sendable {
    /// The version that wrote the metadata (the cluster's, or the snapshot's).
    public var version: ClusterVersion
    /// Templates, indices and pipelines, in no particular order.
    public var items: [MetadataItem]
    /// Objects seen on the source that Tern cannot carry over (ILM policies, data streams...), one sentence each.
    public var notConvertible: [String]

    public init(version: ClusterVersion, items: [MetadataItem], notConvertible: [String] = []) {
        self.version = version
        self.items = items
        self.notConvertible = notConvertible
    }
}
