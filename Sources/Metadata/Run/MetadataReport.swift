import TernCore

/// The outcome of `tern metadata evaluate|migrate`, printed as a table or as `--json`.
public struct MetadataReport: Sendable, Codable {
    /// One target item.
    public struct Entry: Sendable, Codable {
        public var kind: String
        /// The source item's name (differs from `name` after a rename or a type split).
        public var source: String
        public var name: String
        /// `create`, `identical`, `different`, `conflict`, `cannot-convert`.
        public var status: String
        /// What Tern did: `created`, `overwritten`, `skipped`, `failed`, or nil for an evaluation.
        public var action: String?
        public var transformations: [String]
        public var findings: [String]
        /// JSON pointers where an existing target item differs.
        public var differences: [String]
        /// Why the item could not be created, or the conflict.
        public var reason: String?
        /// Values removed because the target called them unknown (`--drop-unsupported`).
        public var dropped: [String]
        /// The body sent (or that would be sent) to the target.
        public var body: JSONValue?
    }

    public var source: String
    public var sourceVersion: String
    public var target: String
    public var targetVersion: String
    public var applied: Bool
    public var items: [Entry]
    /// Source objects Tern cannot carry over (ILM policies, data streams...).
    public var notConvertible: [String]
    /// Whether the target now holds (or, for an evaluation, can hold) every selected item as the evaluation promised.
    public var ok: Bool

    enum CodingKeys: String, CodingKey {
        case source, target, applied, items, ok
        case sourceVersion = "source_version"
        case targetVersion = "target_version"
        case notConvertible = "not_convertible"
    }
}
