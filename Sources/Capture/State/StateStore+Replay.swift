import Foundation
import GRDB
import State

extension StateStore {
    /// The saved progress of replaying `captureDirectory` to `target`, nil before the first save.
    public func replayProgress(captureDirectory: String, target: String) async throws -> ReplayProgress? {
        try await read("read the replay position in \(path)") { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM replay_progress WHERE capture_dir = ? AND target = ?", arguments: [captureDirectory, target]
            ).map(ReplayProgress.init(row:))
        }
    }

    /// Every replay this workspace knows, for `tern status`.
    public func allReplayProgress() async throws -> [ReplayProgress] {
        try await read("read the replay positions in \(path)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM replay_progress ORDER BY capture_dir, target").map(ReplayProgress.init(row:))
        }
    }

    /// Saves a replay's position and counters, and adds `issues` to the ones already recorded, in one transaction: the
    /// position never runs ahead of what is recorded about the exchanges before it.
    public func saveReplayProgress(_ progress: ReplayProgress, issues: [ReplayIssue] = []) async throws {
        try Self.refuseCredentials(in: progress.target, what: "target endpoint")
        try await write("save the replay position in \(path)") { db in
            try db.execute(
                sql: """
                    INSERT INTO replay_progress (capture_dir, target, segment, byte_offset, exchanges, written, deleted, already_newer,
                        reread, admin, failed, last_write_millis, lag_records, lag_seconds, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (capture_dir, target) DO UPDATE SET
                        segment = excluded.segment, byte_offset = excluded.byte_offset, exchanges = excluded.exchanges,
                        written = excluded.written, deleted = excluded.deleted, already_newer = excluded.already_newer,
                        reread = excluded.reread, admin = excluded.admin, failed = excluded.failed,
                        last_write_millis = excluded.last_write_millis, lag_records = excluded.lag_records,
                        lag_seconds = excluded.lag_seconds, updated_at = excluded.updated_at
                    """,
                arguments: [
                    progress.captureDirectory, progress.target, Int64(progress.segment), progress.offset, progress.exchanges,
                    progress.written, progress.deleted, progress.alreadyNewer, progress.reread, progress.admin, progress.failed,
                    progress.lastWriteMillis, progress.lagRecords, progress.lagSeconds, progress.updatedAt,
                ])
            for issue in issues {
                try db.execute(
                    sql: """
                        INSERT INTO replay_issue (capture_dir, target, kind, index_name, reason, occurrences, first_seen, last_seen)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (capture_dir, target, kind, index_name, reason) DO UPDATE SET
                            occurrences = occurrences + excluded.occurrences, last_seen = excluded.last_seen
                        """,
                    arguments: [
                        progress.captureDirectory, progress.target, issue.kind.rawValue, issue.index, issue.reason, issue.occurrences,
                        issue.firstSeen, issue.lastSeen,
                    ])
            }
        }
    }

    /// What replays of `captureDirectory` to `target` could not apply exactly.
    public func replayIssues(captureDirectory: String, target: String) async throws -> [ReplayIssue] {
        try await read("read the replay issues in \(path)") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM replay_issue WHERE capture_dir = ? AND target = ? ORDER BY kind, index_name, reason",
                arguments: [captureDirectory, target]
            ).map(ReplayIssue.init(row:))
        }
    }
}
