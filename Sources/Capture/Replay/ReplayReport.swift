/// What a replay did, printed by `tern replay` and `tern replay status`.
public struct ReplayReport: Sendable, Codable {
    public var progress: ReplayProgress
    public var issues: [ReplayIssue]
    /// Damage found in the capture log, as sentences.
    public var damage: [String]
    /// Whether every logged write was applied exactly: no damage, nothing unsupported or failed, no index to repair.
    public var ok: Bool { damage.isEmpty && issues.isEmpty }

    public init(progress: ReplayProgress, issues: [ReplayIssue], damage: [String]) {
        self.progress = progress
        self.issues = issues
        self.damage = damage
    }

    enum CodingKeys: String, CodingKey {
        case progress, issues, damage, ok
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(progress, forKey: .progress)
        try container.encode(issues, forKey: .issues)
        try container.encode(damage, forKey: .damage)
        try container.encode(ok, forKey: .ok)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        progress = try container.decode(ReplayProgress.self, forKey: .progress)
        issues = try container.decode([ReplayIssue].self, forKey: .issues)
        damage = try container.decode([String].self, forKey: .damage)
    }
}
