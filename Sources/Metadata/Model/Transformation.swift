/// One change a rule made to an item, listed in the evaluation so nothing changes unseen.
public struct Transformation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The rule that made the change: `mapping.strip-type`, `settings.strip`, `user-rule #1`...
    public var rule: String
    /// Where in the item's body the change happened (a JSON pointer as text, `/mappings/properties/title`).
    public var place: String
    /// What was done, for people: "removed type wrapper `doc`".
    public var summary: String

    public init(rule: String, place: String, summary: String) {
        self.rule = rule
        self.place = place
        self.summary = summary
    }

    public init(rule: String, at place: JSONPointer, _ summary: String) {
        self.init(rule: rule, place: place.description, summary: summary)
    }

    public var description: String { "[\(rule)] \(place.isEmpty ? "/" : place): \(summary)" }
}
