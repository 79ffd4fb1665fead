import TernCore

/// How `tern replay` follows the capture log.
public struct ReplayerOptions: Sendable {
    /// The capture folder the proxy writes.
    public var captureDirectory: String
    /// Which source indices are replayed, and their target names (the same rules as metadata and backfill).
    public var selection: IndexSelection
    /// Stop once everything logged so far is applied, instead of following the log.
    public var untilDrained: Bool
    /// How long to wait for new records at the end of the log before looking again.
    public var pollInterval: Duration
    /// How long a request may wait for its logged response before its outcome is taken as unknown (the proxy stopped
    /// between forwarding and logging): the replayer then re-reads its documents from the source.
    public var unansweredTimeout: Duration
    /// Actions applied per round trip to the target.
    public var batchSize: Int

    public init(
        captureDirectory: String, selection: IndexSelection = IndexSelection(), untilDrained: Bool = false,
        pollInterval: Duration = .milliseconds(200), unansweredTimeout: Duration = .seconds(60), batchSize: Int = 2000
    ) {
        self.captureDirectory = captureDirectory
        self.selection = selection
        self.untilDrained = untilDrained
        self.pollInterval = pollInterval
        self.unansweredTimeout = unansweredTimeout
        self.batchSize = batchSize
    }
}
