/// A record read from the capture log, with where it lies.
public struct CaptureLogEntry: Sendable, Equatable {
    public var record: CaptureRecord
    /// Where the record begins.
    public var position: CapturePosition
    /// Where the next record begins: the position to save once this record is applied.
    public var next: CapturePosition

    public init(record: CaptureRecord, position: CapturePosition, next: CapturePosition) {
        self.record = record
        self.position = position
        self.next = next
    }
}
