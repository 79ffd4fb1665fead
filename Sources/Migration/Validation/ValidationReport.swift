import Foundation

/// What `tern validate` found, printed as a summary, as `--json`, or written as a Markdown or HTML report.
public struct ValidationReport: Sendable, Codable {
    public var source: String
    public var target: String
    public var startedAt: Date
    public var seconds: Double
    public var indices: [IndexValidationResult]
    public var queries: [QueryParity.Result]
    /// Whether every selected index holds the same documents on both sides and every request answered alike.
    public var ok: Bool

    public init(
        source: String, target: String, startedAt: Date, seconds: Double, indices: [IndexValidationResult], queries: [QueryParity.Result]
    ) {
        self.source = source
        self.target = target
        self.startedAt = startedAt
        self.seconds = seconds
        self.indices = indices
        self.queries = queries
        self.ok = indices.allSatisfy(\.isClean) && queries.allSatisfy { $0.differences.isEmpty }
    }

    enum CodingKeys: String, CodingKey {
        case source, target, seconds, indices, queries, ok
        case startedAt = "started_at"
    }
}
