import Foundation

/// What `tern validate` found, printed as a summary, as `--json`, or written as a Markdown or HTML report.
public struct ValidationReport: Sendable, Codable {
    public var source: String
    public var target: String
    public var startedAt: Date
    public var seconds: Double
    public var indices: [IndexValidationResult]
    public var queries: [QueryParity.Result]
    /// What `--repair` did per index, when it ran; `indices` and `queries` are then the validation after the repair.
    public var repairs: [IndexRepair.Result]?
    /// The validation that found what the repair fixed.
    public var beforeRepair: [IndexValidationResult]?
    /// Whether every selected index holds the same documents on both sides and every request answered alike (documents
    /// that differ only by writes in flight aside).
    public var ok: Bool
    /// What was counted as in flight rather than as a difference, when a capture log was consulted.
    public var inFlight: InFlightSummary?

    public init(
        source: String, target: String, startedAt: Date, seconds: Double, indices: [IndexValidationResult], queries: [QueryParity.Result],
        repairs: [IndexRepair.Result]? = nil, beforeRepair: [IndexValidationResult]? = nil, inFlight: InFlightSummary? = nil
    ) {
        self.inFlight = inFlight
        self.source = source
        self.target = target
        self.startedAt = startedAt
        self.seconds = seconds
        self.indices = indices
        self.queries = queries
        self.repairs = repairs
        self.beforeRepair = beforeRepair
        self.ok = indices.allSatisfy(\.isClean) && queries.allSatisfy { $0.differences.isEmpty }
    }

    enum CodingKeys: String, CodingKey {
        case source, target, seconds, indices, queries, ok, repairs
        case beforeRepair = "before_repair"
        case startedAt = "started_at"
        case inFlight = "in_flight"
    }

    /// `2 documents differ only by writes still on their way (captured after position …)`; nil when none do.
    public var inFlightSentence: String? {
        guard let inFlight, inFlight.documents > 0 else { return nil }
        return inFlight.sentence
    }
}
