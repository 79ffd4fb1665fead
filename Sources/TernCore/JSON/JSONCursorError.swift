/// Where and why bytes stopped being JSON, or stopped being the JSON a reader expects: a byte offset from the start of
/// the input (at most its length: an input that ends early fails at its end) and a reason.
public struct JSONCursorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) at byte \(offset)" }
}
