import TernCore

/// One change a user rule makes, at JSON pointers into the item body. For templates, pointers starting with
/// `/settings`, `/mappings` or `/aliases` reach the template's index body (`/template/settings` for composable templates).
public enum UserRuleAction: Sendable, Hashable {
    /// Puts a value at the pointer, creating missing objects.
    case set(JSONPointer, JSONValue)
    /// Removes the value at the pointer, if there is one.
    case remove(JSONPointer)
    /// Moves the value at one pointer to another.
    case rename(from: JSONPointer, to: JSONPointer)

    /// The places the action touches.
    var pointers: [JSONPointer] {
        switch self {
        case .set(let pointer, _), .remove(let pointer): [pointer]
        case .rename(let from, let to): [from, to]
        }
    }
}
