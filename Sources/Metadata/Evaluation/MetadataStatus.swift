/// What migrating an item would do, as `tern metadata evaluate` reports it.
public enum MetadataStatus: Sendable, Hashable {
    /// The target has no such item: it would be created.
    case create
    /// The target already has it, canonically the same.
    case identical
    /// The target already has it, different at these JSON pointers.
    case different(pointers: [String])
    /// It cannot be created under that name (another item takes the name, or an alias does).
    case conflict(reason: String)
    /// A blocking finding stops it (see the item's findings).
    case cannotConvert

    /// The status without its details, as reports print it.
    public var name: MetadataReport.Entry.Status {
        switch self {
        case .create: .create
        case .identical: .identical
        case .different: .different
        case .conflict: .conflict
        case .cannotConvert: .cannotConvert
        }
    }
}
