/// What a client request does to the cluster, as far as capture is concerned.
public enum RequestClass: String, Sendable, Hashable, CaseIterable {
    /// Reads and searches: passed through, not captured.
    case read
    /// Document writes (index, create, update, delete, bulk, update/delete by query): captured.
    case write
    /// Index and cluster metadata changes (indices, mappings, settings, aliases, templates, pipelines): captured.
    case indexAdmin = "index-admin"

    /// Whether requests of this class go to the capture log.
    public var isCaptured: Bool { self != .read }
}
