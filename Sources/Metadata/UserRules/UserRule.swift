import TernCore

/// One rule of a user rule file: which items it matches, and what it changes in them.
public struct UserRule: Sendable, Hashable {
    /// The rule's position in the file, from 1: transformations it makes are recorded as `user-rule #<number>`.
    public var number: Int
    /// The line of the rule in the file, for messages.
    public var line: Int?
    /// The kind of item matched; nil matches every kind.
    public var kind: MetadataKind?
    /// Name globs (`logs-*`); an item matches when any glob matches its source or target name. Empty matches every name.
    public var names: [String]
    /// The changes, in the order the file gives them.
    public var actions: [UserRuleAction]

    public init(number: Int, line: Int? = nil, kind: MetadataKind? = nil, names: [String] = [], actions: [UserRuleAction]) {
        self.number = number
        self.line = line
        self.kind = kind
        self.names = names
        self.actions = actions
    }

    /// `user-rule #1`.
    public var id: String { "user-rule #\(number)" }

    /// Whether the rule applies to an item of `kind` called `name` on the source or target.
    public func matches(kind: MetadataKind, names candidates: [String]) -> Bool {
        if let wanted = self.kind, wanted != kind { return false }
        if names.isEmpty { return true }
        return names.contains { glob in candidates.contains { Glob.matches(glob, $0) } }
    }
}
