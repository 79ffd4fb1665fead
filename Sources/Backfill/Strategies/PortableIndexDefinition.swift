import Metadata
import TernCore

/// What a new target index takes from its source index: the mappings without a type wrapper, the shard count and the
/// analysis settings. Nothing that identifies the source index (`uuid`, `creation_date`, `provided_name`, `version.*`)
/// or describes its placement (replicas, allocation, blocks) is carried over.
struct PortableIndexDefinition: Sendable, Equatable {
    /// Typeless mappings, nil when the source has none.
    var mappings: JSONValue?
    /// `{"index": {"number_of_shards": ..., "analysis": ...}}`, nil when neither is known.
    var settings: JSONValue?
    /// Whether the mappings disable `_source`: no document body to copy.
    var sourceDisabled: Bool

    /// - Parameter index: the index's entry in `GET /<index>` (`{"aliases", "mappings", "settings"}`); settings nested or flat.
    init(index: JSONValue) {
        let typeless = index["mappings"].map(TargetIndexPreparer.typeless)
        mappings = typeless?.objectValue?.isEmpty == false ? typeless : nil
        sourceDisabled = typeless?.value(at: "_source.enabled")?.boolValue == false
        var portable: [String: JSONValue] = [:]
        let settings = index["settings"].map(SettingsNormalizer.normalize)
        if let shards = settings?.value(at: "index.number_of_shards") { portable["number_of_shards"] = shards }
        if let analysis = settings?.value(at: "index.analysis") { portable["analysis"] = analysis }
        self.settings = portable.isEmpty ? nil : .object(["index": .object(portable)])
    }

    /// The body of `PUT /<index>`.
    var createBody: JSONValue {
        var body: [String: JSONValue] = [:]
        if let settings { body["settings"] = settings }
        if let mappings { body["mappings"] = mappings }
        return .object(body)
    }
}
