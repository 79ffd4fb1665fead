import Foundation
import GRDB
import TernCore

/// Progress of migrations, kept in `<folder>/state.sqlite` (SQLite in WAL mode). Safe to use from many tasks and
/// from several processes (`tern backfill status` reads while a backfill writes).
///
/// Nothing secret is stored: callers pass cluster endpoints without credentials (`https://target:9200`, never
/// `https://user:password@target:9200`) and descriptions made of such endpoints and index names. Strings that carry
/// credentials in a URL are refused, so a slip cannot persist a password.
///
/// Durability: a method that records progress returns only once the change is on disk, so a `kill -9` at any moment
/// loses nothing it acknowledged, and neither does a crash of the operating system or a power cut (see `open`).
///
/// Why a `DatabasePool`: writes are serialized either way (SQLite has one writer), but a pool gives readers their own
/// connections, so status reads (the console, `runs`) never wait behind a commit and never stall the backfill.
/// WAL needs shared memory between connections: the workspace folder must be on a local file system, not NFS.
public final class StateStore: Sendable {
    /// `<folder>/state.sqlite`.
    public let path: String
    /// Internal, not private, so tests can check the connection's settings.
    let pool: DatabasePool

    /// Opens the store, creating the folder and the database when missing, and brings the schema up to date.
    ///
    /// Throws a `TernError` of kind `stateStore` with one sentence when the folder cannot be written, the file is not a
    /// Tern state database (corrupt or something else), or it was written by a newer Tern.
    public init(folder: String) throws {
        let path = URL(fileURLWithPath: folder).appendingPathComponent("state.sqlite").path
        self.path = path
        try Self.prepare(folder: folder)
        do {
            pool = try Self.open(path: path)
        } catch let error as TernError {
            throw error
        } catch {
            throw TernError.stateStore(error, path: path, action: "open \(path)")
        }
    }

    /// Moves the write-ahead log into the database file and closes the connections; the store is unusable afterwards.
    /// Releasing the store does the same, at a moment that depends on when the last database task lets go of it.
    public func close() throws {
        do {
            // Closing the pool alone left the whole log beside a 4 KiB file here; the truncating checkpoint is what moves it.
            try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            try pool.close()
        } catch {
            throw TernError.stateStore(error, path: path, action: "close \(path)")
        }
    }

    private static func prepare(folder: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw TernError(
                    .stateStore, "The workspace folder \(folder) is a file, not a folder; move it away or choose another workspace folder.")
            }
        } else {
            let failure = makeFolders(folder)
            guard failure == 0 else {
                let reason = String(cString: strerror(failure))
                throw TernError(
                    .stateStore, "Could not create the workspace folder \(folder) (\(reason)); choose a writable place for it.")
            }
        }
        // SQLite creates `state.sqlite-wal` and `-shm` beside the database: the folder itself must be writable.
        guard access(folder, W_OK | X_OK) == 0 else {
            throw TernError(
                .stateStore,
                "The workspace folder \(folder) is not writable (\(String(cString: strerror(errno)))); "
                    + "make it writable or choose another workspace folder.")
        }
    }

    /// `mkdir -p`, returning 0 or the errno of the step that failed, which says what to fix (Foundation's error does
    /// not on Linux).
    private static func makeFolders(_ path: String) -> Int32 {
        if mkdir(path, 0o777) == 0 {
            return 0
        }
        switch errno {
        case EEXIST:
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue ? 0 : ENOTDIR
        case ENOENT:
            let parent = (path as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != path else {
                return ENOENT
            }
            let failure = makeFolders(parent)
            guard failure == 0 else {
                return failure
            }
            return mkdir(path, 0o777) == 0 || errno == EEXIST ? 0 : errno
        case let failure:
            return failure
        }
    }

    private static func open(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.label = "tern.state"
        // Another process (a second `tern`) may hold the write lock for a moment: wait rather than fail.
        configuration.busyMode = .timeout(10)
        // Readers serve status queries only.
        configuration.maximumReaderCount = 2
        configuration.prepareDatabase { db in
            // On macOS plain fsync leaves data in the drive's cache; F_FULLFSYNC flushes it. Ignored elsewhere.
            try db.execute(sql: "PRAGMA fullfsync = ON")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // Durability. In WAL mode a commit appends the transaction to `state.sqlite-wal` with write(2) before it
        // returns, so with synchronous=NORMAL (GRDB's default for pools) a commit already survives `kill -9`: the bytes
        // are in the kernel's page cache, and the next open replays the WAL. NORMAL only skips the fsync, which loses
        // the last commits if the operating system crashes or the power fails. We choose FULL (fsync of the WAL at
        // every commit) so the guarantee also holds then, because one record is write-ahead for a change no other
        // place remembers: a remembered index setting is stored before `--fast-load` changes the target, and losing it
        // would leave the target with refresh off and no replicas for good. The price is one fsync per commit; commits
        // follow acknowledged bulk requests and finished units, far rarer than the fsync budget of any disk.
        // Set here, after the pool exists, because opening the pool sets NORMAL on its writer connection; readers do
        // not commit, so only the writer matters.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let migrator = StateSchema.migrator
        if try pool.read(migrator.hasBeenSuperseded) {
            throw TernError(
                .stateStore,
                "\(path) was written by a newer version of Tern; use that version, or choose another workspace folder.")
        }
        try migrator.migrate(pool)
        return pool
    }

    // MARK: - Runs and units

    /// Starts a run of `kind` identified by `key`, or resumes the unfinished run of the same kind and key.
    ///
    /// - Parameters:
    ///   - kind: What the run does: `backfill`.
    ///   - key: A stable hash of what is copied where (source, target, selection), never of secrets.
    ///   - description: For people; endpoints without credentials.
    ///   - units: The plan. Units not known yet are added; known ones keep their progress. Pending units of a resumed
    ///     run that the plan no longer lists are dropped (and reported); done ones stay for the record.
    public func beginRun(kind: String, key: String, description: String, units: [UnitSpec]) async throws -> RunState {
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
                db, sql: "SELECT id FROM run WHERE kind = ? AND key = ? AND status = 'running'", arguments: [kind, key])
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
                    arguments: [kind, key, description, now, now])
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
    public func runs(kind: String? = nil) async throws -> [RunSummary] {
        try await read("read the runs in \(path)") { db in
            let runs = try Row.fetchAll(
                db, sql: "SELECT * FROM run WHERE ?1 IS NULL OR kind = ?1 ORDER BY id DESC", arguments: [kind]
            ).map(RunRecord.init(row:))
            var unitsByRun = [Int64: [UnitRecord]]()
            let units = try Row.fetchAll(
                db,
                sql: """
                    SELECT unit.* FROM unit JOIN run ON run.id = unit.run_id
                    WHERE ?1 IS NULL OR run.kind = ?1 ORDER BY unit.run_id, unit.position
                    """,
                arguments: [kind])
            for row in units {
                let unit = UnitRecord(row: row)
                unitsByRun[unit.run, default: []].append(unit)
            }
            return runs.map { RunSummary(run: $0, units: unitsByRun[$0.id] ?? []) }
        }
    }

    // MARK: - Settings changed by --fast-load

    /// Remembers the value an index setting had before `--fast-load` changes it. Call it, and let it return, before
    /// changing the setting on the cluster: the record is write-ahead for the change.
    ///
    /// The first original wins: after a crash the next run sees the fast-load value on the index and calls this again,
    /// and that value must not replace the real original. Returns what is remembered.
    ///
    /// - Parameters:
    ///   - cluster: The endpoint without credentials, spelled the same way by every run (it is the lookup key).
    ///   - originalValue: nil when the setting was unset.
    @discardableResult
    public func rememberSetting(cluster: String, index: String, setting: String, originalValue: String?) async throws
        -> RememberedSetting
    {
        try Self.refuseCredentials(in: cluster, what: "cluster endpoint")
        return try await write("remember setting \(setting) of index \(index) in \(path)") { db in
            try db.execute(
                sql: """
                    INSERT INTO remembered_setting (cluster, index_name, setting, original_value, remembered_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (cluster, index_name, setting) DO NOTHING
                    """,
                arguments: [cluster, index, setting, originalValue, Date()])
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM remembered_setting WHERE cluster = ? AND index_name = ? AND setting = ?",
                arguments: [cluster, index, setting])
            guard let row else {
                throw TernError(.stateStore, "The setting \(setting) of index \(index) vanished from \(self.path) as it was remembered.")
            }
            return RememberedSetting(row: row)
        }
    }

    /// Settings of `cluster` still to put back, by index and setting: after the run, or at the start of the next one
    /// when the last run crashed.
    public func settingsToRestore(cluster: String) async throws -> [RememberedSetting] {
        try await read("read the settings to restore in \(path)") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM remembered_setting WHERE cluster = ? ORDER BY index_name, setting", arguments: [cluster]
            ).map(RememberedSetting.init(row:))
        }
    }

    /// Every setting still to put back, on any cluster (for `tern backfill status`).
    public func allSettingsToRestore() async throws -> [RememberedSetting] {
        try await read("read the settings to restore in \(path)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM remembered_setting ORDER BY cluster, index_name, setting").map(
                RememberedSetting.init(row:))
        }
    }

    /// Forgets a setting once the cluster acknowledged its restored value.
    public func forgetSetting(cluster: String, index: String, setting: String) async throws {
        try await write("forget setting \(setting) of index \(index) in \(path)") { db in
            try db.execute(
                sql: "DELETE FROM remembered_setting WHERE cluster = ? AND index_name = ? AND setting = ?",
                arguments: [cluster, index, setting])
        }
    }

    // MARK: - Plumbing

    /// One write transaction, committed (and synced) before return. Bridged by hand rather than with GRDB's async
    /// `write`, which gives up when the task is cancelled: an acknowledged write deserves its record.
    func write<T: Sendable>(_ action: String, _ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let path = self.path
        return try await withCheckedThrowingContinuation { continuation in
            pool.asyncWrite(updates) { _, result in
                continuation.resume(with: result.mapError { Self.translate($0, path: path, action: action) })
            }
        }
    }

    func read<T: Sendable>(_ action: String, _ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(value)
        } catch {
            throw Self.translate(error, path: path, action: action)
        }
    }

    private static func translate(_ error: any Error, path: String, action: String) -> any Error {
        if error is TernError || error is CancellationError {
            return error
        }
        return TernError.stateStore(error, path: path, action: action)
    }

    private static func fetchRun(_ db: Database, id: Int64) throws -> RunRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(RunRecord.init(row:))
    }

    private static func fetchPendingUnits(_ db: Database, run: Int64) throws -> [UnitRecord] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM unit WHERE run_id = ? AND status = 'pending' ORDER BY position", arguments: [run]
        ).map(UnitRecord.init(row:))
    }

    /// Throws when `unit` is not part of `run`: recording progress for it is a bug in the caller, not a state to keep.
    private static func requireUnit(_ db: Database, run: Int64, unit: String) throws {
        let exists =
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM unit WHERE run_id = ? AND key = ?)", arguments: [run, unit]) ?? false
        guard exists else {
            throw TernError(.invalidArgument, "Unit \(unit) is not part of run \(run); begin the run with it in the plan.")
        }
    }

    /// Refuses `user:password@` (or a token as user) in a URL anywhere in `value`.
    static func refuseCredentials(in value: String, what: String) throws {
        var rest = Substring(value)
        while let scheme = rest.range(of: "://") {
            let authority = rest[scheme.upperBound...].prefix { !"/?# \t\n".contains($0) }
            if authority.contains("@") {
                throw TernError(
                    .invalidArgument,
                    "The \(what) given to the state store carries credentials in a URL; pass endpoints without user name or password.")
            }
            rest = rest[scheme.upperBound...]
        }
    }
}
