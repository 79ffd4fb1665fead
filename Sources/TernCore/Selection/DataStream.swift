/// A data stream as the source describes it: its name, the field that orders its documents in time, and the backing
/// indices (`.ds-<name>-…`) that hold them, oldest first.
public struct DataStream: Sendable, Hashable, Codable {
    public var name: String
    public var timestampField: String
    public var backingIndices: [String]
    /// The index template that made it, when the source says.
    public var template: String?

    public init(name: String, timestampField: String = "@timestamp", backingIndices: [String], template: String? = nil) {
        self.name = name
        self.timestampField = timestampField
        self.backingIndices = backingIndices
        self.template = template
    }

    enum CodingKeys: String, CodingKey {
        case name, template
        case timestampField = "timestamp_field"
        case backingIndices = "backing_indices"
    }

    /// The streams of a `GET _data_stream` answer (Elasticsearch 7.9+, OpenSearch 1.0+).
    public static func all(fromAPI answer: JSONValue) -> [DataStream] {
        (answer["data_streams"]?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["name"]?.stringValue else { return nil }
            return DataStream(
                name: name, timestampField: entry["timestamp_field"]?["name"]?.stringValue ?? "@timestamp",
                backingIndices: (entry["indices"]?.arrayValue ?? []).compactMap { $0["index_name"]?.stringValue },
                template: entry["template"]?.stringValue)
        }.sorted { $0.name < $1.name }
    }

    /// The streams of a snapshot's global metadata (`data_stream.data_stream`: name -> stream).
    public static func all(fromSnapshotMetadata metadata: JSONValue) -> [DataStream] {
        (metadata["data_stream"]?["data_stream"]?.objectValue ?? [:]).compactMap { name, entry in
            DataStream(
                name: entry["name"]?.stringValue ?? name, timestampField: entry["timestamp_field"]?["name"]?.stringValue ?? "@timestamp",
                backingIndices: (entry["indices"]?.arrayValue ?? []).compactMap { $0["index_name"]?.stringValue })
        }.sorted { $0.name < $1.name }
    }
}
