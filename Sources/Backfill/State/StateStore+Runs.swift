import Foundation
import GRDB
import State
import TernCore

/// Backfill runs and their units: what a resumed run still has to copy.
extension StateStore {

    /// Starts a run of `kind` identified by `key`, or resumes the unfinished run of the same kind and key.
    ///
    /// - Parameters:
    ///   - kind: What the run does.
    ///   - key: A stable hash of what is copied where (source, target, selection), never of secrets.
    ///   - description: For people; endpoints without credentials.
    ///   - units: The plan. Units not known yet are added; known ones keep their progress. Pending units of a resumed
    ///     run that the plan no longer lists are dropped (and reported); done ones stay for the record.
    public func beginRun(kind: RunRecord.Kind, key: String, description: String, units: [UnitSpec]) async throws -> RunState {
        try Self.refuseCredentials(in: key, what: "run key")
        try Self.refuseCredentials(in: description, what: "run description")
        var planned = Set<String>()
        for unit in units where !planned.insert(unit.key).inserted {
            throw TernError(.invalidArgument, "Unit \(unit.key) appears twice in the plan of the \(kind) run; unit keys must be unique.")
        }
        let plan = planned
        return try await write("begin a \(kind) run in \(path)") { db in
            let now = Date()
            var resumed = false
            let runID: Int64
            if let existing = try Int64.fetchOne(
                db, sql: "SELECT id FROM run WHERE kind = ? AND key = ? AND status = 'running'", arguments: [kind.rawValue, key])
            {
                resumed = true
                runID = existing
                try db.execute(
                    sql: "UPDATE run SET starts = starts + 1, last_started_at = ? WHERE id = ?", arguments: [now, runID])
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO run (kind, key, description, status, started_at, starts, last_started_at)
                        VALUES (?, ?, ?, 'running', ?, 1, ?)
                        """,
                    arguments: [kind.rawValue, key, description, now, now])
                runID = db.lastInsertedRowID
            }

            var known = [String: UnitRecord.Status]()
            for row in try Row.fetchAll(db, sql: "SELECT key, status FROM unit WHERE run_id = ?", arguments: [runID]) {
                known[row["key"]] = UnitRecord.Status(rawValue: row["status"]) ?? .pending
            }
            var position = try Int.fetchOne(db, sql: "SELECT MAX(position) FROM unit WHERE run_id = ?", arguments: [runID]) ?? -1
            for unit in units where known[unit.key] == nil {
                position += 1
                try db.execute(
                    sql: """
                        INSERT INTO unit (run_id, key, position, estimated_documents, status, updated_at)
                        VALUES (?, ?, ?, ?, 'pending', ?)
                        """,
                    arguments: [runID, unit.key, position, unit.estimatedDocuments, now])
            }
            let dropped = known.filter { $0.value == .pending && !plan.contains($0.key) }.keys.sorted()
            for unit in dropped {
                try db.execute(sql: "DELETE FROM unit WHERE run_id = ? AND key = ?", arguments: [runID, unit])
            }

            guard let run = try Self.fetchRun(db, id: runID) else {
                throw TernError(.stateStore, "Run \(runID) vanished from \(self.path) while it was being started.")
            }
            return RunState(run: run, resumed: resumed, pendingUnits: try Self.fetchPendingUnits(db, run: runID), droppedUnits: dropped)
        }
    }

    /// Units of `run` not done yet, in plan order, with the checkpoint to resume each from.
    public func pendingUnits(run: Int64) async throws -> [UnitRecord] {
        try await read("read the pending units of run \(run) in \(path)") { db in
            try Self.fetchPendingUnits(db, run: run)
        }
    }

    /// Records progress inside a pending unit, after the target acknowledged the writes up to `checkpoint`.
    ///
    /// `counts` are the unit's cumulative counts so far (not an increment), so that recording the same progress twice
    /// changes nothing. Durable before return. Ignored once the unit is done: a late checkpoint must not reopen it.
    public func recordProgress(run: Int64, unit: String, counts: UnitCounts, checkpoint: String?) async throws {
        try await write("record progress of unit \(unit) of run \(run) in \(path)") { db in
            try db.execute(
                sql: """
                    UPDATE unit SET read = ?, written = ?, already_newer = ?, failed = ?, checkpoint = ?, updated_at = ?
                    WHERE run_id = ? AND key = ? AND status = 'pending'
                    """,
                arguments: [counts.read, counts.written, counts.alreadyNewer, counts.failed, checkpoint, Date(), run, unit])
            if db.changesCount == 0 {
                try Self.requireUnit(db, run: run, unit: unit)
            }
        }
    }

    /// Marks a unit done with its final, cumulative counts, after the target acknowledged all its writes.
    ///
    /// One transaction, durable before return (see the type's notes). Completing a done unit again (a unit redone after
    /// an overlap) replaces its counts: writes are idempotent, so the last complete pass is the truth.
    ///
    /// The commit is not abandoned when the calling task is cancelled: once the target acknowledged the writes,
    /// recording them is what lets a Ctrl-C'd run skip them next time.
    public func completeUnit(run: Int64, unit: String, counts: UnitCounts) async throws {
        try await write("record unit \(unit) of run \(run) as done in \(path)") { db in
            let now = Date()
            try db.execute(
                sql: """
                    UPDATE unit SET status = 'done', read = ?, written = ?, already_newer = ?, failed = ?, checkpoint = NULL,
                        updated_at = ?, completed_at = ?
                    WHERE run_id = ? AND key = ?
                    """,
                arguments: [counts.read, counts.written, counts.alreadyNewer, counts.failed, now, now, run, unit])
            if db.changesCount == 0 {
                try Self.requireUnit(db, run: run, unit: unit)
            }
        }
    }

    /// Ends a run. `completed` and `completedWithFailures` need every unit done (a run never reports success while
    /// documents are missing); `abandoned` does not. A finished run is never resumed; the same key then starts a new one.
    /// A run stopped by an error should stay `running` instead, so that the next start resumes it.
    public func finishRun(run: Int64, status: RunRecord.Status) async throws {
        guard status != .running else {
            throw TernError(.invalidArgument, "Run \(run) cannot be finished as running; finish it as completed or abandoned.")
        }
        try await write("finish run \(run) in \(path)") { db in
            guard try Self.fetchRun(db, id: run) != nil else {
                throw TernError(.invalidArgument, "Run \(run) is not in \(self.path).")
            }
            if status != .abandoned {
                let pending =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM unit WHERE run_id = ? AND status = 'pending'", arguments: [run]) ?? 0
                guard pending == 0 else {
                    throw TernError(
                        .invalidArgument,
                        "Run \(run) cannot be finished as \(status.rawValue) with \(pending) unit\(pending == 1 ? "" : "s") still pending.")
                }
            }
            try db.execute(
                sql: "UPDATE run SET status = ?, finished_at = ? WHERE id = ?", arguments: [status.rawValue, Date(), run])
        }
    }

    /// Runs, newest first, each with its units in plan order and totals; only those of `kind` when given.
    public func runs(kind: RunRecord.Kind? = nil) async throws -> [RunSummary] {
        try await read("read the runs in \(path)") { db in
            let runs = try Row.fetchAll(
                db, sql: "SELECT * FROM run WHERE ?1 IS NULL OR kind = ?1 ORDER BY id DESC", arguments: [kind?.rawValue]
            ).map(RunRecord.init(row:))
            var unitsByRun = [Int64: [UnitRecord]]()
            let units = try Row.fetchAll(
                db,
                sql: """
                    SELECT unit.* FROM unit JOIN run ON run.id = unit.run_id
                    WHERE ?1 IS NULL OR run.kind = ?1 ORDER BY unit.run_id, unit.position
                    """,
                arguments: [kind?.rawValue])
            for row in units {
                let unit = UnitRecord(row: row)
                unitsByRun[unit.run, default: []].append(unit)
            }
            return runs.map { RunSummary(run: $0, units: unitsByRun[$0.id] ?? []) }
        }
    }

    fileprivate static func fetchRun(_ db: Database, id: Int64) throws -> RunRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(RunRecord.init(row:))
    }

    fileprivate static func fetchPendingUnits(_ db: Database, run: Int64) throws -> [UnitRecord] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM unit WHERE run_id = ? AND status = 'pending' ORDER BY position", arguments: [run]
        ).map(UnitRecord.init(row:))
    }

    /// Throws when `unit` is not part of `run`: recording progress for it is a bug in the caller, not a state to keep.
    fileprivate static func requireUnit(_ db: Database, run: Int64, unit: String) throws {
        let exists =
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM unit WHERE run_id = ? AND key = ?)", arguments: [run, unit]) ?? false
        guard exists else {
            throw TernError(.invalidArgument, "Unit \(unit) is not part of run \(run); begin the run with it in the plan.")
        }
    }

}
