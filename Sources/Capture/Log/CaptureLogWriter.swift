/// Appends records to the durable capture log: segment files in one folder, written on the caller's thread and synced by
/// one dedicated thread that lets concurrent appends share an `fsync`.
///
/// Opening recovers the newest segment (a torn tail left by a crash is cut, see ``recovery``) and continues it. Only one
/// writer may hold a folder at a time (a lock file enforces it). Exchange ids keep rising across restarts: the next id is
/// at least one past any id in the newest segment, past every id handed out before that segment began, and past the
/// clock in microseconds, so ids never repeat even when old segments were removed.
public final class CaptureLogWriter: Sendable {
    /// The folder holding the segment files.
    public let directory: String
    public let options: CaptureLogOptions
    /// What opening found wrong at the end of the log and did about it; nil when the log was intact.
    public let recovery: CaptureLogRecovery?
    private let appender: CaptureLogAppender

    /// Opens the log in `directory` (created when missing) for appending.
    /// - Parameters:
    ///   - directory: the capture folder (``CaptureLogOptions/defaultDirectory`` by default).
    ///   - options: sync policy, segment size and size limit.
    /// - Throws: `TernError` (`.captureLog`) when the folder cannot be created, read or locked.
    public init(directory: String = CaptureLogOptions.defaultDirectory, options: CaptureLogOptions = CaptureLogOptions()) throws {
        self.directory = directory
        self.options = options
        appender = try CaptureLogAppender(directory: directory, options: options)
        recovery = appender.recovery
    }

    deinit { appender.closeSoon() }

    /// A new exchange id, larger than every id handed out before (in this process and earlier ones).
    public func nextExchange() -> UInt64 {
        appender.nextExchange()
    }

    /// Appends a record and returns the position after it.
    /// - Parameters:
    ///   - record: the record to write.
    ///   - durable: whether to return only once the record (and every record before it) is synced to disk. The proxy
    ///     writes a request record without waiting and the response record durably, before it answers the client.
    /// - Throws: `TernError`: `.captureLogFull` past ``CaptureLogOptions/maxTotalBytes``, `.captureLog` when a write or
    ///   sync fails (naming the file) or the log is closed.
    @discardableResult
    public func append(_ record: CaptureRecord, durable: Bool = true) async throws -> CapturePosition {
        try await withCheckedThrowingContinuation { continuation in
            appender.append(record, durable: durable) { continuation.resume(with: $0) }
        }
    }

    /// Appends a record and calls `completion` once it is written (and synced, when `durable`), for callers without async
    /// such as a SwiftNIO channel handler. The record is written before this returns; `completion` runs on the calling
    /// thread unless `durable`, else on the sync thread (hop back to your event loop there).
    /// - Parameters:
    ///   - record: the record to write.
    ///   - durable: whether to complete only once the record is synced to disk.
    ///   - completion: receives the position after the record, or a `TernError`.
    public func append(
        _ record: CaptureRecord, durable: Bool = true, completion: @escaping @Sendable (Result<CapturePosition, any Error>) -> Void
    ) {
        appender.append(record, durable: durable, completion: completion)
    }

    /// Deletes whole segments that lie entirely before `position` (what the replayer has applied) and were last written
    /// longer than `age` ago. The segment being written is never deleted.
    /// - Returns: the names of the files deleted.
    @discardableResult
    public func removeSegments(before position: CapturePosition, olderThan age: Duration) async throws -> [String] {
        try appender.removeSegments(before: position, olderThan: age)
    }

    /// Appends a record without waiting for the disk's sync and returns the position after it. The record becomes durable
    /// with the next durable append (or sync), which covers everything written before it.
    /// - Throws: as ``append(_:durable:)``.
    @discardableResult
    public func appendNow(_ record: CaptureRecord) throws -> CapturePosition {
        try appender.appendNow(record)
    }

    /// Counters for status and metrics; they count every append that has completed.
    public var stats: CaptureLogStats { appender.stats }

    /// Syncs what was written, closes the files and releases the folder. Later appends fail.
    public func close() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            appender.close { continuation.resume(with: $0) }
        }
    }
}
