import Foundation
import GRDB
import State

/// One finished `tern validate`, as `tern status` shows it.
public struct ValidationRecord: Sendable, Hashable, Codable {
    public var source: String
    public var target: String
    public var finishedAt: Date
    public var ok: Bool
    /// One line: indices compared, differences found, repairs made.
    public var summary: String

    public init(source: String, target: String, finishedAt: Date = Date(), ok: Bool, summary: String) {
        self.source = source
        self.target = target
        self.finishedAt = finishedAt
        self.ok = ok
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case source, target, ok, summary
        case finishedAt = "finished_at"
    }
}

extension StateStore {
    /// Records a finished validation.
    public func recordValidation(_ record: ValidationRecord) async throws {
        try Self.refuseCredentials(in: record.source, what: "source endpoint")
        try Self.refuseCredentials(in: record.target, what: "target endpoint")
        try await write("record the validation in \(path)") { db in
            try db.execute(
                sql: "INSERT INTO validation_run (source, target, finished_at, ok, summary) VALUES (?, ?, ?, ?, ?)",
                arguments: [record.source, record.target, record.finishedAt, record.ok, record.summary])
        }
    }

    /// The latest validations, newest first.
    public func validations(limit: Int = 5) async throws -> [ValidationRecord] {
        try await read("read the validations in \(path)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM validation_run ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                ValidationRecord(
                    source: row["source"], target: row["target"], finishedAt: row["finished_at"], ok: row["ok"], summary: row["summary"])
            }
        }
    }
}
