import Foundation
import GRDB

/// A unit of a run and how far it got.
public struct UnitRecord: Sendable, Hashable, Codable {
    /// Pending until the target acknowledged every write of the unit; only then done.
    public enum Status: String, Sendable, Hashable, Codable {
        case pending
        case done
    }

    public var run: Int64
    public var key: String
    public var estimatedDocuments: Int?
    public var status: Status
    /// Cumulative counts: as of the last checkpoint while pending, final once done.
    public var counts: UnitCounts
    /// Where to resume inside the unit (a `search_after` position, a document ordinal); nil to start it over.
    /// Only set while pending.
    public var checkpoint: String?
    public var updatedAt: Date
    public var completedAt: Date?

    public init(
        run: Int64, key: String, estimatedDocuments: Int?, status: Status, counts: UnitCounts, checkpoint: String?,
        updatedAt: Date, completedAt: Date?
    ) {
        self.run = run
        self.key = key
        self.estimatedDocuments = estimatedDocuments
        self.status = status
        self.counts = counts
        self.checkpoint = checkpoint
        self.updatedAt = updatedAt
        self.completedAt = completedAt
    }

    enum CodingKeys: String, CodingKey {
        case run, key, status, counts, checkpoint
        case estimatedDocuments = "estimated_documents"
        case updatedAt = "updated_at"
        case completedAt = "completed_at"
    }
}

extension UnitRecord {
    /// A row of the `unit` table.
    init(row: Row) {
        self.init(
            run: row["run_id"], key: row["key"], estimatedDocuments: row["estimated_documents"],
            // The schema's CHECK constraint admits only known statuses.
            status: Status(rawValue: row["status"]) ?? .pending,
            counts: UnitCounts(read: row["read"], written: row["written"], alreadyNewer: row["already_newer"], failed: row["failed"]),
            checkpoint: row["checkpoint"], updatedAt: row["updated_at"], completedAt: row["completed_at"])
    }
}
