/// A worker as it describes itself in the coordination index, for `tern backfill status --coordinate`.
public struct WorkerRecord: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        case working
        /// Every item was done and the worker checked the result.
        case finished
        /// It stopped before the end (an error, a signal); the reason says which.
        case stopped
    }

    public var type = "worker"
    public var worker: String
    public var host: String
    public var pid: Int32
    public var state: State
    public var startedAt: String
    public var updatedAt: String
    public var itemsDone = 0
    public var documents = 0
    /// Seconds since the worker started, by its own clock, as of `updatedAt`.
    public var seconds = 0.0
    /// Items it lost to another worker after its lease lapsed.
    public var itemsLost = 0
    public var reason: String?

    public init(worker: String, host: String, pid: Int32, startedAt: String) {
        self.worker = worker
        self.host = host
        self.pid = pid
        self.state = .working
        self.startedAt = startedAt
        self.updatedAt = startedAt
    }

    public static func id(_ worker: String) -> String { "worker:\(worker)" }

    enum CodingKeys: String, CodingKey {
        case type, worker, host, pid, state, documents, seconds, reason
        case startedAt = "started_at"
        case updatedAt = "updated_at"
        case itemsDone = "items_done"
        case itemsLost = "items_lost"
    }
}
