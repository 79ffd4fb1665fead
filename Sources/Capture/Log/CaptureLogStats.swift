/// Counters of a capture log writer, for the status endpoint and metrics.
public struct CaptureLogStats: Sendable, Hashable {
    /// Records appended since the writer opened.
    public var records: Int
    /// Bytes of all segment files in the folder.
    public var bytes: Int64
    /// Segment files in the folder.
    public var segments: Int
    /// `fsync` calls on segment files since the writer opened.
    public var fsyncs: Int
    /// The position after the last record written (durable or not).
    public var end: CapturePosition

    public init(records: Int = 0, bytes: Int64 = 0, segments: Int = 0, fsyncs: Int = 0, end: CapturePosition = .start) {
        self.records = records
        self.bytes = bytes
        self.segments = segments
        self.fsyncs = fsyncs
        self.end = end
    }
}
