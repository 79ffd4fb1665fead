import TernCore

/// One node as `GET /_nodes/plugins` describes it.
public struct NodeSummary: Sendable, Codable, Equatable {
    public var name: String
    public var version: String
    public var roles: [String]
    public var host: String?
    public var plugins: [String]

    /// Every node in a `_nodes` answer, sorted by name.
    public static func all(in json: JSONValue) -> [NodeSummary] {
        let nodes = json["nodes"]?.objectValue ?? [:]
        return nodes.map { id, node in
            NodeSummary(
                name: node["name"]?.stringValue ?? id,
                version: node["version"]?.stringValue ?? "unknown",
                roles: node["roles"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                host: node["host"]?.stringValue,
                plugins: (node["plugins"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []).sorted())
        }.sorted { $0.name < $1.name }
    }
}
