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
    package let pool: DatabasePool

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
            _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
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

    // MARK: - Plumbing

    /// One write transaction, committed (and synced) before return. Bridged by hand rather than with GRDB's async
    /// `write`, which gives up when the task is cancelled: an acknowledged write deserves its record.
    package func write<T: Sendable>(_ action: String, _ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let path = self.path
        return try await withCheckedThrowingContinuation { continuation in
            pool.asyncWrite(updates) { _, result in
                continuation.resume(with: result.mapError { Self.translate($0, path: path, action: action) })
            }
        }
    }

    package func read<T: Sendable>(_ action: String, _ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
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

    /// Refuses `user:password@` (or a token as user) in a URL anywhere in `value`.
    package static func refuseCredentials(in value: String, what: String) throws {
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
