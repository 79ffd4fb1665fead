/// Something a migration cannot carry over automatically: what it is, why, and what to do. Reported, never dropped silently.
public struct Unconvertible: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What the finding means for the item.
    public enum Impact: String, Sendable, Hashable, Codable {
        /// The item cannot be created on the target as it is; someone must decide (a user rule, another option).
        case blocking
        /// The item's metadata is created, but its documents cannot be copied (no `_source`).
        case documentsNotCopied = "documents-not-copied"
        /// The item is created, but a feature of the source is left behind (a parent/child relation, an ILM policy).
        case featureLost = "feature-lost"
    }

    /// The rule or classifier that found it: `mapping.types.union`, `source.disabled`, `classifier.ilm`...
    public var rule: String
    /// Where (a JSON pointer in the item body as text, or an object name for source-side objects).
    public var place: String
    public var what: String
    public var why: String
    /// What to do about it.
    public var action: String
    public var impact: Impact
    /// The user rule that changed the place after the finding was made (`user-rule #2`): the person took care of it.
    public var resolvedBy: String?

    public init(rule: String, place: String, what: String, why: String, action: String, impact: Impact, resolvedBy: String? = nil) {
        self.rule = rule
        self.place = place
        self.what = what
        self.why = why
        self.action = action
        self.impact = impact
        self.resolvedBy = resolvedBy
    }

    /// Whether the finding still stops the item from being created.
    public var isBlocking: Bool { impact == .blocking && resolvedBy == nil }

    public var description: String { "\(what): \(why); \(action)" }
}
