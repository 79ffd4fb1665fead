/// What comparing two sides' digests found: how many documents are missing on the target, extra on the target, and
/// different, with the first ids of each (in partition order, sorted within a partition, so runs repeat them).
public struct DigestComparison: Sendable, Equatable, Codable {
    /// On the source, not on the target.
    public var missing: Int64 = 0
    /// On the target, not on the source.
    public var extra: Int64 = 0
    /// On both, with another source content or routing.
    public var different: Int64 = 0
    /// Documents compared on each side.
    public var sourceRecords: Int64 = 0
    public var targetRecords: Int64 = 0
    public var samples = Samples()

    /// Up to a fixed number of ids of each kind of difference.
    public struct Samples: Sendable, Equatable, Codable {
        public var missing: [String] = []
        public var extra: [String] = []
        public var different: [String] = []

        public init(missing: [String] = [], extra: [String] = [], different: [String] = []) {
            self.missing = missing
            self.extra = extra
            self.different = different
        }
    }

    /// No documents compared yet.
    public init() {}

    /// Whether the two sides hold the same documents.
    public var isClean: Bool { missing == 0 && extra == 0 && different == 0 }

    enum CodingKeys: String, CodingKey {
        case missing, extra, different
        case sourceRecords = "source_records"
        case targetRecords = "target_records"
        case samples
    }
}
