import Logging
import TernCore

/// Keeps a capture folder from growing without end: deletes the segments every replayer of the folder has applied once
/// they are older than the retention. The slowest replayer decides, since each target needs every segment.
public struct CaptureRetention: Sendable {
    /// Where each replayer of the folder resumes (its saved position); empty when none has saved one.
    public typealias Positions = @Sendable () async throws -> [CapturePosition]

    public let log: CaptureLogWriter
    /// How long a segment is kept after it was last written, even when applied everywhere.
    public let retention: Duration
    public let positions: Positions
    public let logger: Logger

    public init(log: CaptureLogWriter, retention: Duration, logger: Logger, positions: @escaping Positions) {
        self.log = log
        self.retention = retention
        self.logger = logger
        self.positions = positions
    }

    /// One pass: removes the segments before the position of the replayer furthest behind. With no replayer recorded
    /// nothing is known to be applied, so nothing goes.
    /// - Returns: the names of the files deleted.
    /// - Throws: `TernError` when the positions cannot be read or a segment cannot be deleted.
    @discardableResult
    public func sweep() async throws -> [String] {
        guard let slowest = try await positions().min() else { return [] }
        let removed = try await log.removeSegments(before: slowest, olderThan: retention)
        if !removed.isEmpty {
            logger.info(
                "capture segments removed: applied by every replay and older than the retention",
                metadata: [
                    "capture_dir": "\(log.directory)", "files": "\(removed.joined(separator: ","))", "slowest_replay": "\(slowest)",
                ])
        }
        return removed
    }

    /// Sweeps now and then every `interval` until the task is cancelled. A failed pass is logged as a warning and
    /// retried at the next one: retention must never stop the proxy.
    public func run(every interval: Duration = .seconds(30)) async {
        while !Task.isCancelled {
            do {
                try await sweep()
            } catch is CancellationError {
                return
            } catch {
                let reason = (error as? TernError)?.message ?? "\(error)"
                logger.warning(
                    "capture log retention failed; will try again", metadata: ["capture_dir": "\(log.directory)", "error": "\(reason)"])
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }
}
