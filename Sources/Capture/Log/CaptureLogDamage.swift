/// Bytes of the capture log that are not a valid record: a checksum mismatch, broken framing, or a record cut short in a
/// segment that is complete. The reader stops before them; the records before them stay readable.
public struct CaptureLogDamage: Sendable, Hashable, CustomStringConvertible {
    /// The segment file's name.
    public var fileName: String
    /// Where the damage begins (the position after the last valid record).
    public var position: CapturePosition
    /// What is wrong, as a clause (`the record's checksum does not match`).
    public var reason: String

    public init(fileName: String, position: CapturePosition, reason: String) {
        self.fileName = fileName
        self.position = position
        self.reason = reason
    }

    /// One sentence naming the file and offset.
    public var description: String {
        "Capture log segment \(fileName) is damaged at byte \(position.offset): \(reason); the records before it are intact."
    }
}
