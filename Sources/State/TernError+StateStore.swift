import Foundation
import GRDB
import TernCore

extension TernError.Kind {
    /// The state database in the workspace folder cannot be used: unwritable, corrupt, full, or written by a newer Tern.
    /// A usage error: the operator fixes the workspace folder (or picks another), not the clusters.
    public static let stateStore = TernError.Kind("state-store", exitCode: .usage)
}

extension TernError {
    /// One sentence for a failure of the state database at `path` while doing `action`, a phrase that names the file
    /// ("open /w/.tern/state.sqlite", "record unit logs/slice-0 of run 3 as done in /w/.tern/state.sqlite").
    static func stateStore(_ error: any Error, path: String, action: String) -> TernError {
        guard let error = error as? DatabaseError else {
            return TernError(.stateStore, "Could not \(action): \(error).")
        }
        let reason = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return TernError(
                .stateStore,
                "\(path) is not a readable Tern state database (\(reason)); move it away to start afresh, "
                    + "which forgets the progress of unfinished runs and the index settings to restore.")
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            return TernError(
                .stateStore,
                "Could not \(action) (\(reason)); make the file and its folder writable or choose another workspace folder.")
        case .SQLITE_FULL:
            return TernError(.stateStore, "Could not \(action): the disk is full; free some space and start again.")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return TernError(
                .stateStore, "Could not \(action): another process holds the database locked (\(reason)); let it finish first.")
        default:
            return TernError(.stateStore, "Could not \(action): \(reason).")
        }
    }
}
