import SnapshotReader
import TernCore

/// Turns reader errors into the command line's errors (one sentence, exit code).
enum SnapshotErrors {
    static func translate<R>(_ body: () throws(SnapshotReaderError) -> R) throws(TernError) -> R {
        do {
            return try body()
        } catch {
            throw error.ternError
        }
    }
}
