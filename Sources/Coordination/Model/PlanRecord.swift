/// The plan document of a shared backfill: which backfill it is, who plans it, and whether the items are all written.
public struct PlanRecord: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// A worker is writing the items; others wait (and take over if its lease lapses).
        case planning
        /// Every item is written.
        case ready
    }

    public var type = "plan"
    /// What is copied from where to where (secret-free): workers started with other flags refuse to join.
    public var runKey: String
    public var description: String
    public var state: State
    /// Names this plan's items; a new planner after a lapsed one starts a new generation.
    public var generation: String
    public var owner: String
    public var leaseToken: String
    public var leaseMilliseconds: Int64
    public var renewals = 0
    /// Items in the plan (when ready).
    public var items: Int?
    public var estimatedDocuments: Int?
    /// How writes are versioned, decided once for every worker (`external` or `none`).
    public var versioning: String?
    public var createdAt: String?

    public init(
        runKey: String, description: String, generation: String, owner: String, leaseToken: String, leaseMilliseconds: Int64
    ) {
        self.runKey = runKey
        self.description = description
        self.state = .planning
        self.generation = generation
        self.owner = owner
        self.leaseToken = leaseToken
        self.leaseMilliseconds = leaseMilliseconds
    }

    public static let id = "plan"

    enum CodingKeys: String, CodingKey {
        case type, description, state, generation, owner, renewals, items, versioning
        case runKey = "run_key"
        case leaseToken = "lease_token"
        case leaseMilliseconds = "lease_ms"
        case estimatedDocuments = "estimated_documents"
        case createdAt = "created_at"
    }
}
