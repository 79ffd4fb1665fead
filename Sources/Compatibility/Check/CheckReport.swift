import SearchClient
import TernCore

/// The result of `tern check`: both sides and the verdict. Its JSON form is a contract other tools rely on.
public struct CheckReport: Sendable, Codable {
    public var source: ClusterReport
    public var target: ClusterReport
    public var strategies: [StrategyAssessment]
    public var recommended: Strategy?
    public var recommendationReason: String?
    public var upgradePath: [ClusterVersion]?
    public var warnings: [String]

    public init(source: ClusterReport, target: ClusterReport, verdict: Verdict?) {
        self.source = source
        self.target = target
        strategies = verdict?.strategies ?? []
        recommended = verdict?.recommended
        recommendationReason = verdict?.recommendationReason
        upgradePath = verdict?.upgradePath
        warnings = verdict?.warnings ?? []
    }

    /// 3 (or 2) when a side could not be checked, 1 when no strategy is possible, 0 otherwise.
    public var exitCode: TernExitCode {
        let sideFailures = [source.errorExitCode, target.errorExitCode].compactMap { $0 }.compactMap(TernExitCode.init(rawValue:))
        if let worst = sideFailures.max(by: { $0.rawValue < $1.rawValue }) { return worst }
        return strategies.contains { $0.possible } ? .success : .failure
    }

    enum CodingKeys: String, CodingKey {
        case source, target, strategies, recommended, warnings
        case recommendationReason = "recommendation_reason"
        case upgradePath = "upgrade_path"
    }

    /// `recommended` is always present in JSON, as null when nothing is possible.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(target, forKey: .target)
        try container.encode(strategies, forKey: .strategies)
        try container.encode(recommended, forKey: .recommended)
        try container.encodeIfPresent(recommendationReason, forKey: .recommendationReason)
        try container.encodeIfPresent(upgradePath, forKey: .upgradePath)
        try container.encode(warnings, forKey: .warnings)
    }
}
