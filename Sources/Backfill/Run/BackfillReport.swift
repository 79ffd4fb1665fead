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
    }
}
