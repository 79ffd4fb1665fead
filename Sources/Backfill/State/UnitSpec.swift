/// A unit of work as the planner cuts it, before the state store knows it.
public struct UnitSpec: Sendable, Hashable, Codable {
    /// Stable across runs of the same plan: `logs-2024/slice-3-of-8`, `snapshot:nightly/logs/shard-0`, `file:dump.ndjson`.
    public var key: String
    /// Documents expected in the unit, when the planner knows (shard doc counts, index count divided by slices); for progress only.
    public var estimatedDocuments: Int?

    public init(key: String, estimatedDocuments: Int? = nil) {
        self.key = key
        self.estimatedDocuments = estimatedDocuments
    }

    enum CodingKeys: String, CodingKey {
        case key
        case estimatedDocuments = "estimated_documents"
    }
}
