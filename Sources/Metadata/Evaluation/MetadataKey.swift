/// An item's identity on a cluster: its kind and name (an index and a template may share a name).
public struct MetadataKey: Sendable, Hashable, CustomStringConvertible {
    public var kind: MetadataKind
    public var name: String

    public init(_ kind: MetadataKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue) \(name)" }
}
