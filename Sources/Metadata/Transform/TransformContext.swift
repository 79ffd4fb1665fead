import TernCore

/// What the rules decide by: the two versions and the person's options.
public struct TransformContext: Sendable, Hashable {
    public var source: ClusterVersion
    public var target: ClusterVersion
    public var options: TransformOptions
    /// Per ILM policy, the templates that name it (for its ISM policy's `ism_template`).
    public var lifecycleUses: [String: [LifecycleUse]] = [:]

    public init(source: ClusterVersion, target: ClusterVersion, options: TransformOptions = TransformOptions()) {
        self.source = source
        self.target = target
        self.options = options
    }

    var targetIsOpenSearch: Bool { target.distribution == .opensearch }

    /// Elasticsearch (any flavour, Open Distro included) to OpenSearch: where Elastic-only features must go.
    var isElasticToOpenSearch: Bool { source.distribution.isElasticsearchFamily && targetIsOpenSearch }

    /// Whether the target is OpenSearch at `version` or later.
    func targetIsOpenSearch(atLeast version: SemanticVersion) -> Bool {
        targetIsOpenSearch && target.version >= version
    }

    /// The target's index generation on the one scale for both product lines (OpenSearch 1 = 7, 2 = 8, 3 = 9).
    var targetGeneration: Int { target.indexGeneration }
}
