import TernCore

extension TernError.Kind {
    /// The capture log cannot be written or read: a file or folder error, a full disk, or another writer holds it.
    public static let captureLog = TernError.Kind("capture-log", exitCode: .failure)
    /// The capture log reached its configured size limit: the write is refused rather than left unrecorded.
    public static let captureLogFull = TernError.Kind("capture-log-full", exitCode: .failure)
}
