import TernCore

/// One hop of an upgrade path: from a version to the next, and how.
public struct UpgradeStep: Sendable, Codable, Equatable {
    public var from: ClusterVersion
    public var to: ClusterVersion
    public var method: UpgradeMethod
    /// The compatibility rules that decided the method.
    public var reasons: [String]

    public init(from: ClusterVersion, to: ClusterVersion, method: UpgradeMethod, reasons: [String]) {
        self.from = from
        self.to = to
        self.method = method
        self.reasons = reasons
    }

    enum CodingKeys: String, CodingKey {
        case from, to, method, reasons
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        from = try ClusterVersion(parsing: try container.decode(String.self, forKey: .from), flag: "from")
        to = try ClusterVersion(parsing: try container.decode(String.self, forKey: .to), flag: "to")
        method = try container.decode(UpgradeMethod.self, forKey: .method)
        reasons = try container.decode([String].self, forKey: .reasons)
    }

    /// Versions print as `opensearch:2.19.1`, the form `--from` and `--to` take.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from.description, forKey: .from)
        try container.encode(to.description, forKey: .to)
        try container.encode(method, forKey: .method)
        try container.encode(reasons, forKey: .reasons)
    }
}
