/// What happened to the documents of a unit (or of a whole run, summed).
public struct UnitCounts: Sendable, Hashable, Codable {
    /// Documents read from the source.
    public var read: Int
    /// Documents the target acknowledged as written.
    public var written: Int
    /// Documents the target already held in the same or a newer version (external versioning), so nothing was written.
    public var alreadyNewer: Int
    /// Documents the target refused for good; they went to the dead-letter file.
    public var failed: Int

    public init(read: Int = 0, written: Int = 0, alreadyNewer: Int = 0, failed: Int = 0) {
        self.read = read
        self.written = written
        self.alreadyNewer = alreadyNewer
        self.failed = failed
    }

    public static let zero = UnitCounts()

    public static func + (lhs: UnitCounts, rhs: UnitCounts) -> UnitCounts {
        UnitCounts(
            read: lhs.read + rhs.read, written: lhs.written + rhs.written, alreadyNewer: lhs.alreadyNewer + rhs.alreadyNewer,
            failed: lhs.failed + rhs.failed)
    }

    public static func += (lhs: inout UnitCounts, rhs: UnitCounts) {
        lhs = lhs + rhs
    }

    enum CodingKeys: String, CodingKey {
        case read, written, failed
        case alreadyNewer = "already_newer"
    }
}
