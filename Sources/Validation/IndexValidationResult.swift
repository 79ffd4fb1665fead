/// What validating one (source index, target index) pair found.
///
/// Encoded with snake_case keys for `--json`: `source_count`, `target_count`, `missing`, `extra`, `different`, `samples`;
/// `in_flight`, `in_flight_samples` and `counts_in_flight` only when a capture log was consulted.
public struct IndexValidationResult: Sendable, Equatable, Codable {
    public var sourceIndex: String
    public var targetIndex: String
    /// `_count` of each side (the target refreshed first).
    public var sourceCount: Int64
    public var targetCount: Int64
    /// Share of ids compared; 1 for every document.
    public var sampleRate: Double
    /// Documents digested on each side (the sampled ones).
    public var sourceDigested: Int64
    public var targetDigested: Int64
    /// Documents on the source and not on the target.
    public var missing: Int64
    /// Documents on the target and not on the source.
    public var extra: Int64
    /// Documents on both with another content or routing.
    public var different: Int64
    /// The first ids of each kind of difference.
    public var samples: DigestComparison.Samples
    /// The target index's mappings and settings against the transformed source definition; nil when not checked.
    public var metadata: IndexMetadataCheck?
    /// Documents missing, extra or different whose writes are still on their way (see ``InFlightWrites``): not counted in
    /// `missing`, `extra` or `different`. Nil when no capture log was consulted.
    public var inFlight: Int64?
    /// The first ids of those; nil when no capture log was consulted.
    public var inFlightSamples: [String]?
    /// True when the counts differ by no more than writes in flight can explain; nil otherwise (the counts agree, differ
    /// for real, or no capture log was consulted).
    public var countsInFlight: Bool?

    public init(
        sourceIndex: String, targetIndex: String, sourceCount: Int64, targetCount: Int64, sampleRate: Double, sourceDigested: Int64,
        targetDigested: Int64, comparison: DigestComparison
    ) {
        self.sourceIndex = sourceIndex
        self.targetIndex = targetIndex
        self.sourceCount = sourceCount
        self.targetCount = targetCount
        self.sampleRate = sampleRate
        self.sourceDigested = sourceDigested
        self.targetDigested = targetDigested
        self.missing = comparison.missing
        self.extra = comparison.extra
        self.different = comparison.different
        self.samples = comparison.samples
    }

    /// Records what the comparison counted as in flight, and whether the counts can differ by the writes in flight alone.
    public mutating func noteInFlight(_ comparison: DigestComparison, writes: InFlightWrites) {
        inFlight = comparison.inFlight
        inFlightSamples = comparison.inFlightSamples
        countsInFlight =
            sourceCount != targetCount && writes.explainsCountDifference(sourceCount - targetCount, index: sourceIndex) ? true : nil
    }

    /// Whether the target holds exactly the source's documents (among the sampled ids) and the counts agree, but for
    /// writes in flight.
    public var isClean: Bool { documentsAgree && (metadata?.isClean ?? true) }

    /// Whether the documents (not the definition) agree, but for writes in flight: what a repair can fix.
    public var documentsAgree: Bool { missing == 0 && extra == 0 && different == 0 && countsAgree }

    /// Whether the counts agree, or differ only by writes in flight.
    public var countsAgree: Bool { sourceCount == targetCount || countsInFlight == true }

    enum CodingKeys: String, CodingKey {
        case sourceIndex = "source_index"
        case targetIndex = "target_index"
        case sourceCount = "source_count"
        case targetCount = "target_count"
        case sampleRate = "sample_rate"
        case sourceDigested = "source_digested"
        case targetDigested = "target_digested"
        case missing, extra, different, samples, metadata
        case inFlight = "in_flight"
        case inFlightSamples = "in_flight_samples"
        case countsInFlight = "counts_in_flight"
    }
}
