import Foundation

/// How a remote reindex runs, beyond the common backfill options.
public struct RemoteReindexOptions: Sendable {
    /// How often Tern asks the target how far a reindex task got.
    public var pollInterval: Duration
    /// The source as the target's nodes reach it (`http://10.0.0.5:9200`), when that differs from the endpoint Tern uses;
    /// this is also the `host:port` the target's allowlist must name.
    public var remoteHost: URL?
    /// Documents per page the target fetches from the source (`source.size`); nil leaves the target's default (1000).
    /// Smaller pages suit large documents: remote reindex buffers each page on the heap (100 MB at most).
    public var batchSize: Int?

    public init(pollInterval: Duration = .seconds(5), remoteHost: URL? = nil, batchSize: Int? = nil) {
        self.pollInterval = pollInterval
        self.remoteHost = remoteHost
        self.batchSize = batchSize
    }
}
