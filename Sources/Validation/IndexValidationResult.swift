/// What validating one (source index, target index) pair found.
///
/// Encoded with snake_case keys for `--json`: `source_count`, `target_count`, `missing`, `extra`, `different`, `samples`.
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

    /// Whether the target holds exactly the source's documents (among the sampled ids) and the counts agree.
    public var isClean: Bool {
        missing == 0 && extra == 0 && different == 0 && sourceCount == targetCount && (metadata?.isClean ?? true)
    }

    /// Whether the documents (not the definition) agree: what a repair can fix.
    public var documentsAgree: Bool { missing == 0 && extra == 0 && different == 0 && sourceCount == targetCount }

    enum CodingKeys: String, CodingKey {
        case sourceIndex = "source_index"
        case targetIndex = "target_index"
        case sourceCount = "source_count"
        case targetCount = "target_count"
        case sampleRate = "sample_rate"
        case sourceDigested = "source_digested"
        case targetDigested = "target_digested"
        case missing, extra, different, samples, metadata
    }
}
