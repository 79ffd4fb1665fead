import Foundation
import GRDB

/// One run of a migration step (a backfill), as the state store keeps it.
public struct RunRecord: Sendable, Hashable, Codable {
    /// A run is resumed only while `running`; a finished one stays for the record and the same key starts a new run.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Started and not finished: still running, or stopped by an error or a kill (the next start resumes it).
        case running
        /// Every unit done, every document written.
        case completed
        /// Every unit done, but some documents were refused (dead-letter file) or are missing on the target.
        case completedWithFailures = "completed_with_failures"
        /// Given up on purpose (start afresh), units possibly pending.
        case abandoned
    }

    /// What a run copies with; the raw values are what the state store and `--json` hold.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Tern reads and writes every document.
        case backfill
        /// The target pulls with `_reindex` from a remote source.
        case remoteReindex = "remote-reindex"
        /// A snapshot of the source restored on the target.
        case snapshotRestore = "snapshot-restore"
    }

    public var id: Int64
    /// What the run does.
    public var kind: Kind
    /// A stable hash of what is copied where; the same key resumes the unfinished run.
    public var key: String
    /// For people: `logs-* from https://source:9200 to https://target:9200`. No credentials.
    public var description: String
    public var status: Status
    public var startedAt: Date
    /// How often the run was begun: 1, plus one per resume.
    public var starts: Int
    public var lastStartedAt: Date
    public var finishedAt: Date?

    public init(
        id: Int64, kind: Kind, key: String, description: String, status: Status, startedAt: Date, starts: Int,
        lastStartedAt: Date, finishedAt: Date?
    ) {
        self.id = id
        self.kind = kind
        self.key = key
        self.description = description
        self.status = status
        self.startedAt = startedAt
        self.starts = starts
        self.lastStartedAt = lastStartedAt
        self.finishedAt = finishedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, key, description, status, starts
        case startedAt = "started_at"
        case lastStartedAt = "last_started_at"
        case finishedAt = "finished_at"
    }
}

extension RunRecord {
    /// A row of the `run` table.
    init(row: Row) {
        self.init(
            // Only this build's kinds can be in the table: a database a newer Tern wrote is refused when opened.
            id: row["id"], kind: Kind(rawValue: row["kind"]) ?? .backfill, key: row["key"], description: row["description"],
            // The schema's CHECK constraint admits only known statuses.
            status: Status(rawValue: row["status"]) ?? .running,
            startedAt: row["started_at"], starts: row["starts"], lastStartedAt: row["last_started_at"],
            finishedAt: row["finished_at"])
    }
}
