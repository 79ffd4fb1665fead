/// A coordination document as read, with the version a conditional write must name.
public struct Versioned<Value: Sendable>: Sendable {
    public var id: String
    public var version: LeaseBook.Version
    public var value: Value

    public init(id: String, version: LeaseBook.Version, value: Value) {
        self.id = id
        self.version = version
        self.value = value
    }
}
