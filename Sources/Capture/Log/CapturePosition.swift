/// A place in the capture log: a segment number and a byte offset in that segment's file.
///
/// The position after a record is where a reader continues; positions order like the records they follow.
public struct CapturePosition: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var segment: UInt64
    public var offset: Int64

    public init(segment: UInt64, offset: Int64) {
        self.segment = segment
        self.offset = offset
    }

    /// The beginning of the log: the first record of the oldest segment still present.
    public static let start = CapturePosition(segment: 0, offset: 0)

    public static func < (lhs: CapturePosition, rhs: CapturePosition) -> Bool {
        (lhs.segment, lhs.offset) < (rhs.segment, rhs.offset)
    }

    /// `segment-00000000000000000003.tcl@1024`.
    public var description: String { "\(CaptureLogFormat.fileName(segment: segment))@\(offset)" }
}
