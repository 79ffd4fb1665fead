import TernCore

/// One piece of metadata to migrate, as the cluster returns it.
///
/// Bodies by kind: an index is `{"settings", "mappings", "aliases"}` as returned by `GET /<index>` without the index-name
/// wrapper; a legacy template is one entry of `GET _template`; a composable template is the `index_template` object of
/// `GET _index_template`; a component template is the `component_template` object of `GET _component_template`;
/// a pipeline is one entry of `GET _ingest/pipeline`.
public struct MetadataItem: Sendable, Hashable, Codable {
    public var kind: MetadataKind
    public var name: String
    public var body: JSONValue

    public init(kind: MetadataKind, name: String, body: JSONValue) {
        self.kind = kind
        self.name = name
        self.body = body
    }

    /// Where the settings are (`/settings` or `/template/settings`); nil for pipelines.
    public var settingsPointer: JSONPointer? { kind.indexBodyPointer?.appending("settings") }

    /// Where the mappings are (`/mappings` or `/template/mappings`); nil for pipelines.
    public var mappingsPointer: JSONPointer? { kind.indexBodyPointer?.appending("mappings") }

    /// Where the aliases are (`/aliases` or `/template/aliases`); nil for pipelines.
    public var aliasesPointer: JSONPointer? { kind.indexBodyPointer?.appending("aliases") }

    /// `index logs-2024` — how the item is named in messages.
    public var label: String { "\(kind.rawValue.replacingOccurrences(of: "-", with: " ")) \(name)" }
}
