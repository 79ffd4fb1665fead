import Foundation
import GRDB
import State
import TernCore

/// Index settings that `--fast-load` changed, written before the change so that a crash never loses the original.
extension StateStore {

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

}
