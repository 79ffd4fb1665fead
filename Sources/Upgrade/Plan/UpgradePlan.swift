import Compatibility
import TernCore

/// What `tern upgrade plan` answers: the path from the running version to the target, and what blocks it.
public struct UpgradePlan: Sendable, Codable, Equatable {
    public var from: ClusterVersion
    public var to: ClusterVersion
    /// `live` (a cluster was asked) or `offline` (`--from`).
    /// Whether a cluster was asked for blockers, or only versions were given.
    public var mode: ClusterReport.Mode
    /// The steps in order; empty when the cluster already runs the target.
    public var steps: [UpgradeStep]
    /// Findings on the live cluster (empty offline).
    public var blockers: [UpgradeBlocker]
    /// Other things worth knowing (the alternative to a stepwise path, facts that could not be read).
    public var notes: [String]
    /// The cluster's endpoint, for live plans.
    public var endpoint: String?

    public init(
        from: ClusterVersion, to: ClusterVersion, mode: ClusterReport.Mode, steps: [UpgradeStep], blockers: [UpgradeBlocker],
        notes: [String],
        endpoint: String? = nil
    ) {
        self.from = from
        self.to = to
        self.mode = mode
        self.steps = steps
        self.blockers = blockers
        self.notes = notes
        self.endpoint = endpoint
    }

    /// Whether every step is in place (no second cluster needed).
    public var isInPlace: Bool { !steps.contains { $0.method == .blueGreen } }

    /// Whether the upgrade can start now: an in-place path and nothing blocking.
    public var canProceed: Bool { isInPlace && !blockers.contains { $0.severity == .blocking } }

    /// 0 when the upgrade can start, 1 when it needs a blue-green migration or something blocks it.
    public var exitCode: TernExitCode { canProceed ? .success : .failure }

    enum CodingKeys: String, CodingKey {
        case from, to, mode, steps, blockers, notes, endpoint
        case canProceed = "can_proceed"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        from = try ClusterVersion(parsing: try container.decode(String.self, forKey: .from), flag: "from")
        to = try ClusterVersion(parsing: try container.decode(String.self, forKey: .to), flag: "to")
        mode = try container.decode(ClusterReport.Mode.self, forKey: .mode)
        steps = try container.decode([UpgradeStep].self, forKey: .steps)
        blockers = try container.decode([UpgradeBlocker].self, forKey: .blockers)
        notes = try container.decode([String].self, forKey: .notes)
        endpoint = try container.decodeIfPresent(String.self, forKey: .endpoint)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from.description, forKey: .from)
        try container.encode(to.description, forKey: .to)
        try container.encode(mode, forKey: .mode)
        try container.encode(steps, forKey: .steps)
        try container.encode(blockers, forKey: .blockers)
        try container.encode(notes, forKey: .notes)
        try container.encodeIfPresent(endpoint, forKey: .endpoint)
        try container.encode(canProceed, forKey: .canProceed)
    }
}
