/// How the capture log writes: when it syncs to disk, how large segments grow, how much disk it may use.
public struct CaptureLogOptions: Sendable, Hashable {
    /// When appended records are synced to disk.
    public enum Sync: Sendable, Hashable {
        /// Each durable append is synced before it completes; appends that arrive while a sync runs share the next one
        /// (group commit).
        case everyRecord
        /// At most one sync per interval; a durable append still completes only after the sync that covers it.
        case interval(milliseconds: Int)
    }

    /// The folder the log lives in when none is configured.
    public static let defaultDirectory = ".tern/capture"

    public var sync: Sync
    /// A new segment starts once a record would take the current one past this size.
    public var segmentBytes: Int64
    /// When set, an append that would take the folder past this size fails: a full log refuses writes rather than drop them.
    public var maxTotalBytes: Int64?

    /// - Parameters:
    ///   - sync: when appends are synced (default: every durable record).
    ///   - segmentBytes: the size at which a new segment starts (default 64 MiB).
    ///   - maxTotalBytes: the most the log's folder may hold (default: no limit).
    public init(sync: Sync = .everyRecord, segmentBytes: Int64 = 64 << 20, maxTotalBytes: Int64? = nil) {
        self.sync = sync
        self.segmentBytes = segmentBytes
        self.maxTotalBytes = maxTotalBytes
    }
}
