/// Whether one strategy can take the source to the target, and why (or why not).
public struct StrategyAssessment: Sendable, Codable, Equatable {
    public var name: Strategy
    public var possible: Bool
    /// Sentences: the rule that allows or forbids it, and what the operator must do for it.
    public var reasons: [String]

    public init(name: Strategy, possible: Bool, reasons: [String]) {
        self.name = name
        self.possible = possible
        self.reasons = reasons
    }
}
