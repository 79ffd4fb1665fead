/// What a writer found wrong at the end of the log when it opened, and what it did about it.
public struct CaptureLogRecovery: Sendable, Hashable, CustomStringConvertible {
    /// What was done.
    public enum Action: Sendable, Hashable {
        /// The torn tail was cut: the file now ends at `position`.
        case truncated
        /// The damage was followed by more data, so nothing was cut: the file stays for the reader to report and writing
        /// continues in a new segment.
        case startedNewSegment
    }

    /// The segment file's name.
    public var fileName: String
    /// Where the valid records end.
    public var position: CapturePosition
    /// Bytes after the valid records (cut, or left in place).
    public var bytesAfter: Int64
    public var action: Action
    /// Why the bytes are not a record.
    public var reason: String

    public init(fileName: String, position: CapturePosition, bytesAfter: Int64, action: Action, reason: String) {
        self.fileName = fileName
        self.position = position
        self.bytesAfter = bytesAfter
        self.action = action
        self.reason = reason
    }

    /// One sentence for the proxy's log.
    public var description: String {
        switch action {
        case .truncated:
            "Cut \(bytesAfter) bytes of an unfinished record from the end of capture log segment \(fileName) at byte "
                + "\(position.offset) (\(reason)); that request had not been answered, so no acknowledged write was lost."
        case .startedNewSegment:
            "Capture log segment \(fileName) is damaged at byte \(position.offset) (\(reason)) with \(bytesAfter) bytes "
                + "after it; left it for the replayer to report and continued in a new segment."
        }
    }
}
