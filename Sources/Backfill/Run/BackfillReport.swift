/// The outcome of a backfill, printed as a summary or as `--json`.
public struct BackfillReport: Sendable, Codable {
    /// Per target index: what was read for it and what the target holds afterwards.
    public struct IndexResult: Sendable, Codable {
        public var source: String
        public var target: String
        public var read: Int
        public var written: Int
        public var alreadyNewer: Int
        public var failed: Int
        /// Documents the target index counts after a refresh (cluster targets).
        public var targetCount: Int64?
        /// Documents the source holds for this index (live sources: `_count`; others: what was read).
        public var sourceCount: Int64?
        /// Source documents not found on the target (by count), when that can be told.
        public var missing: Int64?

        enum CodingKeys: String, CodingKey {
            case source, target, read, written, failed, missing
            case alreadyNewer = "already_newer"
            case targetCount = "target_count"
            case sourceCount = "source_count"
        }
    }

    public var run: Int64
    public var resumed: Bool
    public var unitsTotal: Int
    public var unitsDoneBefore: Int
    public var indices: [IndexResult]
    public var read: Int
    public var written: Int
    public var alreadyNewer: Int
    public var failed: Int
    public var missing: Int64
    public var seconds: Double
    public var deadLetterFile: String?
    /// Whether every selected document is on the target.
    public var complete: Bool
    /// `index setting` of each value `--fast-load` (or a killed earlier run) changed and this run put back.
    public var settingsRestored: [String] = []
    /// Values still to put back because the target refused; the next run tries again.
    public var settingsNotRestored: String?
    /// A shared backfill (`--coordinate`): its coordination index, this worker's name, and what this worker read
    /// (the other counts are the whole backfill's).
    public var coordinationIndex: String?
    public var worker: String?
    public var readByThisWorker: Int?
    /// What coordinating cost this worker: requests to the coordination cluster and the seconds spent waiting for
    /// them (from the start to the final check), and the claims it made with their time.
    public var coordination: CoordinationCost?

    public struct CoordinationCost: Sendable, Codable {
        /// Every request to the coordination cluster, and the time spent waiting for them (concurrent slots add up).
        public var requests: Int
        public var seconds: Double
        /// Items this worker finished, and on their critical path: the claims that got them, the copying, and the
        /// writes that marked them done (renewals run beside the copying and are not counted here).
        public var itemsDone: Int
        public var claimSeconds: Double
        public var copySeconds: Double
        public var finishSeconds: Double

        public init(requests: Int, seconds: Double, itemsDone: Int, claimSeconds: Double, copySeconds: Double, finishSeconds: Double) {
            self.requests = requests
            self.seconds = seconds
            self.itemsDone = itemsDone
            self.claimSeconds = claimSeconds
            self.copySeconds = copySeconds
            self.finishSeconds = finishSeconds
        }

        /// The share of a slot's time on its items that went to coordinating.
        public var overhead: Double {
            let total = claimSeconds + copySeconds + finishSeconds
            return total > 0 ? (claimSeconds + finishSeconds) / total : 0
        }

        enum CodingKeys: String, CodingKey {
            case requests, seconds, overhead
            case itemsDone = "items_done"
            case claimSeconds = "claim_seconds"
            case copySeconds = "copy_seconds"
            case finishSeconds = "finish_seconds"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            requests = try container.decode(Int.self, forKey: .requests)
            seconds = try container.decode(Double.self, forKey: .seconds)
            itemsDone = try container.decode(Int.self, forKey: .itemsDone)
            claimSeconds = try container.decode(Double.self, forKey: .claimSeconds)
            copySeconds = try container.decode(Double.self, forKey: .copySeconds)
            finishSeconds = try container.decode(Double.self, forKey: .finishSeconds)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(requests, forKey: .requests)
            try container.encode(seconds, forKey: .seconds)
            try container.encode(itemsDone, forKey: .itemsDone)
            try container.encode(claimSeconds, forKey: .claimSeconds)
            try container.encode(copySeconds, forKey: .copySeconds)
            try container.encode(finishSeconds, forKey: .finishSeconds)
            try container.encode(overhead, forKey: .overhead)
        }
    }

    enum CodingKeys: String, CodingKey {
        case run, resumed, indices, read, written, failed, missing, seconds, complete
        case unitsTotal = "units_total"
        case unitsDoneBefore = "units_done_before"
        case alreadyNewer = "already_newer"
        case deadLetterFile = "dead_letter_file"
        case settingsRestored = "settings_restored"
        case settingsNotRestored = "settings_not_restored"
        case coordinationIndex = "coordination_index"
        case worker
        case readByThisWorker = "read_by_this_worker"
        case coordination
    }
}
