/// A Lucene release number as files record it (`8.7.0`).
public struct LuceneVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let bugfix: Int

    public init(_ major: Int, _ minor: Int, _ bugfix: Int) {
        self.major = major
        self.minor = minor
        self.bugfix = bugfix
    }

    public var description: String { "\(major).\(minor).\(bugfix)" }

    public static func < (lhs: LuceneVersion, rhs: LuceneVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.bugfix) < (rhs.major, rhs.minor, rhs.bugfix)
    }
}
