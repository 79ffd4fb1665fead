import Foundation
import GRDB

/// How far a replayer applied one capture log to one target, and what it did on the way.
public struct ReplayProgress: Sendable, Hashable, Codable {
    /// The capture folder, as an absolute path.
    public var captureDirectory: String
    /// The target's endpoint without credentials.
    public var target: String
    /// Where the replay resumes: every exchange logged before it is applied.
    public var segment: UInt64
    public var offset: Int64
    public var exchanges: Int64 = 0
    public var written: Int64 = 0
    public var deleted: Int64 = 0
    public var alreadyNewer: Int64 = 0
    public var reread: Int64 = 0
    public var admin: Int64 = 0
    public var failed: Int64 = 0
    /// When the source answered the last applied write.
    public var lastWriteMillis: Int64?
    /// Records logged but not yet applied, and how old the oldest of them is, when last measured.
    public var lagRecords: Int64 = 0
    public var lagSeconds: Double = 0
    public var updatedAt: Date

    public init(captureDirectory: String, target: String, segment: UInt64 = 0, offset: Int64 = 0, updatedAt: Date = Date()) {
        self.captureDirectory = captureDirectory
        self.target = target
        self.segment = segment
        self.offset = offset
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case captureDirectory = "capture_dir"
        case target, segment, offset, exchanges, written, deleted, reread, admin, failed
        case alreadyNewer = "already_newer"
        case lastWriteMillis = "last_write_millis"
        case lagRecords = "lag_records"
        case lagSeconds = "lag_seconds"
        case updatedAt = "updated_at"
    }
}

extension ReplayProgress {
    init(row: Row) {
        self.init(
            captureDirectory: row["capture_dir"], target: row["target"], segment: UInt64(row["segment"] as Int64),
            offset: row["byte_offset"], updatedAt: row["updated_at"])
        exchanges = row["exchanges"]
        written = row["written"]
        deleted = row["deleted"]
        alreadyNewer = row["already_newer"]
        reread = row["reread"]
        admin = row["admin"]
        failed = row["failed"]
        lastWriteMillis = row["last_write_millis"]
        lagRecords = row["lag_records"]
        lagSeconds = row["lag_seconds"]
    }
}
