import TernCore

/// The strategies between a source and a target, the recommended one, and what to watch out for.
public struct Verdict: Sendable, Codable, Equatable {
    public var strategies: [StrategyAssessment]
    /// nil when nothing is possible.
    public var recommended: Strategy?
    public var recommendationReason: String?
    /// In-place upgrade steps when one step is not enough (`opensearch:1.3.x -> opensearch:2.19.x -> opensearch:3.x`).
    public var upgradePath: [ClusterVersion]?
    public var warnings: [String]

    public init(
        strategies: [StrategyAssessment], recommended: Strategy?, recommendationReason: String?, upgradePath: [ClusterVersion]?,
        warnings: [String]
    ) {
        self.strategies = strategies
        self.recommended = recommended
        self.recommendationReason = recommendationReason
        self.upgradePath = upgradePath
        self.warnings = warnings
    }

    public func assessment(_ strategy: Strategy) -> StrategyAssessment? {
        strategies.first { $0.name == strategy }
    }

    public var anyPossible: Bool { strategies.contains { $0.possible } }

    enum CodingKeys: String, CodingKey {
        case strategies, recommended, warnings
        case recommendationReason = "recommendation_reason"
        case upgradePath = "upgrade_path"
    }
}
