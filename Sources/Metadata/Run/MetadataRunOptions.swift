import TernCore

/// What `tern metadata evaluate|migrate` does.
public struct MetadataRunOptions: Sendable {
    /// Indices (globs, rename map), shared with backfill.
    public var selection: IndexSelection
    /// Templates to include (globs); empty = every template that is not the stack's own. Internal ones need their exact name.
    public var templates: [String]
    public var excludeTemplates: [String]
    public var transform: TransformOptions
    public var userRules: UserRules?
    /// Create items on the target (migrate) rather than only evaluate.
    public var apply: Bool
    /// Replace templates and pipelines that exist but differ, and recreate differing indices that hold no documents.
    public var overwrite: Bool
    /// Retry without what the target calls unknown, and report what was dropped.
    public var dropUnsupported: Bool
    /// Carry the source's persistent cluster settings that make sense on the target (``ClusterSettingsPolicy``).
    public var clusterSettings = false
    /// Attach each migrated index to the ISM policy its source index was managed by (`_plugins/_ism/add`).
    public var attachPolicies = false
    /// Create the selected indices and data streams; false when cross-cluster replication creates them as followers.
    public var indices = true

    public init(
        selection: IndexSelection = IndexSelection(), templates: [String] = [], excludeTemplates: [String] = [],
        transform: TransformOptions = TransformOptions(), userRules: UserRules? = nil, apply: Bool = false, overwrite: Bool = false,
        dropUnsupported: Bool = false
    ) {
        self.selection = selection
        self.templates = templates
        self.excludeTemplates = excludeTemplates
        self.transform = transform
        self.userRules = userRules
        self.apply = apply
        self.overwrite = overwrite
        self.dropUnsupported = dropUnsupported
    }
}
