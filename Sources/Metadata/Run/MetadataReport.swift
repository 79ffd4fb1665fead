import TernCore

/// The outcome of `tern metadata evaluate|migrate`, printed as a table or as `--json`.
public struct MetadataReport: Sendable, Codable {
    /// One target item.
    public struct Entry: Sendable, Codable {
        /// What an evaluation found; the raw values are the words `--json` prints.
        public enum Status: String, Sendable, Hashable, Codable {
            case create, identical, different, conflict
            case cannotConvert = "cannot-convert"
        }

        /// What `migrate` did with the item; the raw values are the words `--json` prints.
        public enum Action: String, Sendable, Hashable, Codable {
            case created, overwritten, skipped, failed
        }

        public var kind: MetadataKind
        /// The source item's name (differs from `name` after a rename or a type split).
        public var source: String
        public var name: String
        public var status: Status
        /// What Tern did, or nil for an evaluation.
        public var action: Action?
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

        /// Whether the item ends as the evaluation promised (or, for an evaluation, would): what makes a report ok.
        /// - Parameter overwrite: an evaluation with `--overwrite` promises to replace a differing item.
        public func isAcceptable(overwrite: Bool) -> Bool {
            switch action {
            case .created, .overwritten: differences.isEmpty
            case .skipped: status == .identical
            case .failed: false
            case nil: status == .create || status == .identical || (status == .different && overwrite)
            }
        }
    }

    /// The items that did not end as promised, for an error that names exactly them.
    public func failures(overwrite: Bool) -> [Entry] {
        items.filter { !$0.isAcceptable(overwrite: overwrite) }
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
    /// `index: policy` for each migrated index attached to its ISM policy (`--attach-policies`).
    public var attachedPolicies: [String] = []

    enum CodingKeys: String, CodingKey {
        case source, target, applied, items, ok
        case sourceVersion = "source_version"
        case targetVersion = "target_version"
        case notConvertible = "not_convertible"
        case attachedPolicies = "attached_policies"
    }
}
