import Foundation
import GRDB
import State

extension StateStore {
    /// Starts an operation of `kind`, or returns the unfinished one of that kind (with its steps) to resume.
    /// - Returns: the operation and whether it is resumed.
    public func beginOperation(kind: OperationKind, actor: String) async throws -> (operation: OperationRecord, resumed: Bool) {
        try Self.refuseCredentials(in: actor, what: "operator name")
        return try await write("start the \(kind.rawValue) in \(path)") { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT * FROM operation WHERE kind = ? AND status = 'running'", arguments: [kind.rawValue]),
                let operation = OperationRecord(row: row, steps: try Self.steps(db, operation: row["id"]))
            {
                return (operation, true)
            }
            let now = Date()
            try db.execute(
                sql: "INSERT INTO operation (kind, status, actor, started_at) VALUES (?, 'running', ?, ?)",
                arguments: [kind.rawValue, actor, now])
            return (OperationRecord(id: db.lastInsertedRowID, kind: kind, status: .running, actor: actor, startedAt: now), false)
        }
    }

    /// Marks a step started (or started again), keeping facts saved by an earlier attempt unless new ones are given.
    public func startStep<Step: OperationStepName>(operation: Int64, step: Step, facts: String? = nil) async throws {
        try await write("record a step in \(path)") { db in
            try db.execute(
                sql: """
                    INSERT INTO operation_step (operation_id, step, position, status, started_at, facts)
                    VALUES (?, ?, ?, 'running', ?, ?)
                    ON CONFLICT (operation_id, step) DO UPDATE SET
                        status = 'running', started_at = excluded.started_at, finished_at = NULL,
                        facts = COALESCE(excluded.facts, operation_step.facts)
                    """,
                arguments: [operation, step.rawValue, step.position, Date(), facts])
        }
    }

    /// Saves what a running step must remember before it changes a cluster.
    public func saveStepFacts<Step: OperationStepName>(operation: Int64, step: Step, facts: String) async throws {
        try Self.refuseCredentials(in: facts, what: "step facts")
        try await write("record a step in \(path)") { db in
            try db.execute(
                sql: "UPDATE operation_step SET facts = ? WHERE operation_id = ? AND step = ?",
                arguments: [facts, operation, step.rawValue])
        }
    }

    /// Marks a step finished.
    public func finishStep<Step: OperationStepName>(
        operation: Int64, step: Step, status: OperationStep.Status, detail: String
    ) async throws {
        try Self.refuseCredentials(in: detail, what: "step detail")
        try await write("record a step in \(path)") { db in
            try db.execute(
                sql: "UPDATE operation_step SET status = ?, finished_at = ?, detail = ? WHERE operation_id = ? AND step = ?",
                arguments: [status.rawValue, Date(), detail, operation, step.rawValue])
        }
    }

    /// Marks an operation finished.
    public func finishOperation(_ id: Int64, status: OperationRecord.Status, detail: String) async throws {
        try Self.refuseCredentials(in: detail, what: "operation detail")
        try await write("finish the operation in \(path)") { db in
            try db.execute(
                sql: "UPDATE operation SET status = ?, finished_at = ?, detail = ? WHERE id = ?",
                arguments: [status.rawValue, Date(), detail, id])
        }
    }

    /// The operations of `kind` (all kinds when nil), newest first, with their steps.
    public func operations(kind: OperationKind? = nil, limit: Int = 10) async throws -> [OperationRecord] {
        try await read("read the operations in \(path)") { db in
            let rows =
                if let kind {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM operation WHERE kind = ? ORDER BY id DESC LIMIT ?", arguments: [kind.rawValue, limit])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM operation ORDER BY id DESC LIMIT ?", arguments: [limit])
                }
            return try rows.compactMap { row in OperationRecord(row: row, steps: try Self.steps(db, operation: row["id"])) }
        }
    }

    private static func steps(_ db: Database, operation: Int64) throws -> [OperationStep] {
        try Row.fetchAll(db, sql: "SELECT * FROM operation_step WHERE operation_id = ? ORDER BY position", arguments: [operation])
            .map(OperationStep.init(row:))
    }
}
