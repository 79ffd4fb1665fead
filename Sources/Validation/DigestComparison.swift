/// What comparing two sides' digests found: how many documents are missing on the target, extra on the target, and
/// different, with the first ids of each (in partition order, sorted within a partition, so runs repeat them). Documents
/// that differ only by writes in flight (``InFlightWrites``) are counted apart and are not differences.
public struct DigestComparison: Sendable, Equatable, Codable {
    /// On the source, not on the target.
    public var missing: Int64 = 0
    /// On the target, not on the source.
    public var extra: Int64 = 0
    /// On both, with another source content or routing.
    public var different: Int64 = 0
    /// Missing, extra or different, but with a write in flight: not a difference yet.
    public var inFlight: Int64 = 0
    /// The first ids of those.
    public var inFlightSamples: [String] = []
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
        case inFlight = "in_flight"
        case inFlightSamples = "in_flight_samples"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        missing = try container.decode(Int64.self, forKey: .missing)
        extra = try container.decode(Int64.self, forKey: .extra)
        different = try container.decode(Int64.self, forKey: .different)
        sourceRecords = try container.decode(Int64.self, forKey: .sourceRecords)
        targetRecords = try container.decode(Int64.self, forKey: .targetRecords)
        samples = try container.decode(Samples.self, forKey: .samples)
        // Absent from what a version without in-flight writes encoded.
        inFlight = try container.decodeIfPresent(Int64.self, forKey: .inFlight) ?? 0
        inFlightSamples = try container.decodeIfPresent([String].self, forKey: .inFlightSamples) ?? []
    }
}
