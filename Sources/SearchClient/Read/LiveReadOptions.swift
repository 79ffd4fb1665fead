/// How a live index is read: cursor kind, page size, how long the cluster keeps the cursor, which documents.
public struct LiveReadOptions: Sendable {
    public var mode: ReadMode = .auto
    /// Documents per request (`size`).
    public var pageSize: Int = 1000
    /// How long the scroll or point in time survives between two pages (`5m`, `90s`).
    public var keepAlive: String = "5m"
    /// A query object (JSON bytes of e.g. {"term":{"status":"active"}}), nil = match_all.
    public var query: [UInt8]? = nil

    public init(mode: ReadMode = .auto, pageSize: Int = 1000, keepAlive: String = "5m", query: [UInt8]? = nil) {
        self.mode = mode
        self.pageSize = pageSize
        self.keepAlive = keepAlive
        self.query = query
    }
}
