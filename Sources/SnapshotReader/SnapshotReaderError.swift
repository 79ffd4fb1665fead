import TernCore

/// Why a repository, blob or Lucene file could not be read. Every case names the file, so the operator knows which
/// shard is damaged.
public enum SnapshotReaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file ends before a value it announces.
    case truncated(String, at: Int, needed: Int)
    /// A value is impossible (bad magic, checksum, length, code).
    case corrupt(String, at: Int, String)
    /// A format or codec this reader does not know.
    case unsupported(String, String)
    /// A file the repository or index refers to is missing.
    case missing(String, String)
    /// The input is not what the command expects (not a repository, no such snapshot or index).
    case invalidInput(String)
    /// The documents cannot be read this way (`_source` disabled, synthetic source, a shallow-copy snapshot).
    case noSource(String)
    /// The repository's store cannot be reached, or refuses the credentials.
    case unavailable(String)
    /// Damage, with what the operator can do about it where the file came from.
    indirect case advised(SnapshotReaderError, advice: String)

    public var description: String {
        switch self {
        case .truncated(let file, let offset, let needed):
            "\(file) is truncated: it ends at byte \(offset) where \(needed) more \(needed == 1 ? "byte was" : "bytes were") expected; the copy is incomplete or damaged."
        case .corrupt(let file, let offset, let problem):
            "\(file) is corrupt at byte \(offset): \(problem)."
        case .unsupported(let file, let problem):
            "\(file) uses \(problem), which Tern cannot read."
        case .missing(let file, let context):
            "\(file) is missing (\(context)); the repository is incomplete."
        case .invalidInput(let message), .noSource(let message), .unavailable(let message):
            message
        case .advised(let error, let advice):
            "\(error.description.dropLast()); \(advice)."
        }
    }

    /// The same error with what to do about damage (truncated, corrupt or missing files) in `advice`; other errors, and
    /// damage that already says what to do, stay as they are.
    public func advising(_ advice: String) -> SnapshotReaderError {
        switch self {
        case .truncated, .corrupt, .missing: .advised(self, advice: advice)
        default: self
        }
    }

    /// The same failure as a `TernError` for the command line: input problems and documents the snapshot cannot give
    /// (`noSource`) exit 2, damage exits 1.
    public var ternError: TernError {
        switch self {
        case .invalidInput: TernError(.invalidArgument, description)
        case .noSource: TernError(.sourceNotInSnapshot, description)
        case .unavailable: TernError(.repositoryUnavailable, description)
        case .advised(let error, _): TernError(error.ternError.kind, description)
        default: TernError(.failedChecks, description)
        }
    }
}
