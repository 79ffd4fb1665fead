import Foundation
import TernCore

/// An index's metadata as a snapshot stored it (`indices/<id>/meta-<key>.dat`, codec `index-metadata`).
///
/// The body is `{"<index name>": {settings, mappings, aliases, ...}}` in every version. Settings are flat
/// (`index.number_of_shards`); `index.version.created` is a release id (`7100299`), an OpenSearch id with bit 27 set
/// (`136387827` = 2.17.0), or from Elasticsearch 8.11 an index-version number (`8500003`, `9009000`). Mappings are a
/// list of `{type: mapping}` objects (a snapshot is written in the "snapshot" context, not the API's); with the
/// `binary` parameter a list entry is the compressed mapping instead (`DFL\0` + raw DEFLATE, base64 in JSON), which is
/// decoded here. Elasticsearch 8's mapping hashes (`mappings_hash`) belong to the on-disk cluster state, not to snapshots.
public struct IndexMetadata: Sendable {
    public var name: String
    /// The whole metadata document (`settings`, `mappings`, `aliases`, `state`, ...).
    public var json: JSONValue
    public var numberOfShards: Int

    init(json: JSONValue, name: String, file: String) throws(SnapshotReaderError) {
        // The blob wraps the metadata in an object keyed by the index name.
        let body = json[name] ?? json.objectValue?.values.first ?? json
        self.name = name
        var normalized = body
        if case .object(var fields) = body, let list = body["mappings"]?.arrayValue {
            fields["mappings"] = .array(list.map { Self.decodeCompressedMapping($0) })
            normalized = .object(fields)
        }
        self.json = normalized
        let settings = body["settings"]
        let shards = settings?["index.number_of_shards"]?.intValue ?? settings?.value(at: "index.number_of_shards")?.intValue
        guard let shards, shards > 0 else {
            throw SnapshotReaderError.corrupt(file, at: 0, "the index metadata has no index.number_of_shards")
        }
        numberOfShards = Int(shards)
    }

    /// What the index keeps of each document's `_source`.
    public var sourceMode: SourceMode { SourceMode(settings: json["settings"], mappings: json["mappings"]) }

    /// Whether no `_source` is stored at all (disabled); synthetic source is `sourceMode`'s other unreadable case.
    public var sourceDisabled: Bool {
        if case .disabled = sourceMode { return true }
        return false
    }

    /// A mapping written in binary form: base64 of `DFL\0` + raw DEFLATE (or of plain JSON). Anything else stays as is.
    static func decodeCompressedMapping(_ entry: JSONValue) -> JSONValue {
        guard case .string(let text) = entry, let data = Data(base64Encoded: text) else { return entry }
        let bytes = Array(data)
        let decoded: [UInt8]?
        if bytes.starts(with: Array("DFL\0".utf8)) {
            decoded = try? bytes.withUnsafeBytes { (raw) throws(SnapshotReaderError) in
                try RawInflate.inflate(UnsafeRawBufferPointer(rebasing: raw.dropFirst(4)), name: "mapping")
            }
        } else {
            decoded = bytes
        }
        return decoded.flatMap { try? JSONValue.parse($0) } ?? entry
    }
}
