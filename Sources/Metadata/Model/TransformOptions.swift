/// The choices a person makes about metadata transformation.
public struct TransformOptions: Sendable, Hashable {
    /// Several mapping types in one index: union (default), split or drop.
    public var multiTypePolicy: MultiTypePolicy
    /// The target's number of allocation awareness zones; when set, replica counts are raised so that (replicas + 1) is a
    /// multiple of it. Nil leaves replicas alone (opt-in, because it changes the disk the target needs).
    public var awarenessZones: Int?

    public init(multiTypePolicy: MultiTypePolicy = .union, awarenessZones: Int? = nil) {
        self.multiTypePolicy = multiTypePolicy
        self.awarenessZones = awarenessZones
    }
}
