/// One piece of a shared backfill as a document of the coordination index: what to copy, who holds it, how far it got.
public struct WorkItem: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// Nobody holds it.
        case pending
        /// A worker holds a lease on it (or held one that lapsed).
        case leased
        /// The target acknowledged every document of it.
        case done
    }

    /// Counts as the holder last reported them.
    public struct Counts: Sendable, Hashable, Codable {
        public var read = 0
        public var written = 0
        public var alreadyNewer = 0
        public var failed = 0

        public init(read: Int = 0, written: Int = 0, alreadyNewer: Int = 0, failed: Int = 0) {
            self.read = read
            self.written = written
            self.alreadyNewer = alreadyNewer
            self.failed = failed
        }

        enum CodingKeys: String, CodingKey {
            case read, written, failed
            case alreadyNewer = "already_newer"
        }
    }

    /// Always `item`: the index also holds the plan and the workers.
    public var type = "item"
    /// The plan generation this item belongs to (a plan redone after its planner died starts a new one).
    public var generation: String
    /// The unit's stable key (`logs/slice-3-of-8`).
    public var key: String
    /// Spreads workers over the pending items (a hash of the key).
    public var order: Int64
    /// What the item copies, in the planner's words.
    public var unit: [String: String]
    public var estimatedDocuments: Int?
    public var state: State
    /// The worker holding (or that last held) the item.
    public var owner: String?
    /// Unique per write of a holder, so that a holder whose answer was lost can recognise its own write.
    public var leaseToken: String?
    public var leaseMilliseconds: Int64?
    /// Renewals of the current lease.
    public var renewals = 0
    /// How many times the item was claimed (more than one: taken over after a lease lapsed).
    public var claims = 0
    /// Documents acknowledged in the item's reading order; a new holder starts after them where the source allows.
    public var checkpoint: Int?
    public var counts = Counts()
    /// For people only (the worker's clock): when the current lease was taken and last renewed.
    public var claimedAt: String?
    public var renewedAt: String?
    /// Seconds the finishing holder spent on it.
    public var seconds: Double?
    public var doneAt: String?
    /// Where holders wrote refused documents of the item (`host:path`, several separated by `, `), when they refused any.
    public var deadLetters: String?

    /// The dead-letter files a `deadLetters` value names.
    public static func files(_ deadLetters: String) -> [String] {
        deadLetters.components(separatedBy: ", ").filter { !$0.isEmpty }
    }

    public init(generation: String, key: String, unit: [String: String], estimatedDocuments: Int?) {
        self.generation = generation
        self.key = key
        self.order = Self.order(of: key)
        self.unit = unit
        self.estimatedDocuments = estimatedDocuments
        self.state = .pending
    }

    /// The document id: generation and key, so that two plans never share items.
    public var id: String { Self.id(generation: generation, key: key) }

    public static func id(generation: String, key: String) -> String { "item:\(generation):\(key)" }

    /// FNV-1a of the key, as a non-negative number: a fixed, well-spread position.
    static func order(of key: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int64(hash >> 1)
    }

    enum CodingKeys: String, CodingKey {
        case type, generation, key, order, unit, state, owner, renewals, claims, checkpoint, counts, seconds
        case estimatedDocuments = "estimated_documents"
        case leaseToken = "lease_token"
        case leaseMilliseconds = "lease_ms"
        case claimedAt = "claimed_at"
        case renewedAt = "renewed_at"
        case doneAt = "done_at"
        case deadLetters = "dead_letters"
    }
}
