import TernCore

/// An index's metadata as a snapshot stored it.
public struct IndexMetadata: Sendable {
    public var name: String
    /// The whole metadata document (`settings`, `mappings`, `aliases`, `state`, ...).
    public var json: JSONValue
    public var numberOfShards: Int

    init(json: JSONValue, name: String, file: String) throws(SnapshotReaderError) {
        // The blob wraps the metadata in an object keyed by the index name.
        let body = json[name] ?? json.objectValue?.values.first ?? json
        self.name = name
        self.json = body
        let settings = body["settings"]
        let shards = settings?["index.number_of_shards"]?.intValue ?? settings?.value(at: "index.number_of_shards")?.intValue
        guard let shards, shards > 0 else {
            throw SnapshotReaderError.corrupt(file, at: 0, "the index metadata has no index.number_of_shards")
        }
        numberOfShards = Int(shards)
    }

    /// Whether the mappings disable `_source` (then no document body can be read from the snapshot).
    public var sourceDisabled: Bool {
        guard let mappings = json["mappings"] else { return false }
        var candidates: [JSONValue] = [mappings]
        if let array = mappings.arrayValue { candidates = array }
        candidates += candidates.flatMap { $0.objectValue.map { Array($0.values) } ?? [] }
        return candidates.contains { $0.value(at: "_source.enabled")?.boolValue == false }
    }
}
