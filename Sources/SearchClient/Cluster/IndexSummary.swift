import TernCore

/// One index as `_cat/indices` and the index settings describe it.
public struct IndexSummary: Sendable, Codable, Equatable {
    public var name: String
    public var health: String?
    /// Whether the index is open; the raw values are the words `_cat/indices` and `--json` use.
    public enum Status: String, Sendable, Codable, Equatable {
        case open, close
    }

    /// Nil when the cluster did not say (or said something else).
    public var status: Status?
    public var documents: Int64
    public var storeBytes: Int64
    public var primaryShards: Int?
    public var replicas: Int?
    /// The version that created the index (from `index.version.created`), when the cluster tells.
    public var createdVersion: ClusterVersion?

    public init(
        name: String, health: String? = nil, status: Status? = nil, documents: Int64 = 0, storeBytes: Int64 = 0,
        primaryShards: Int? = nil, replicas: Int? = nil, createdVersion: ClusterVersion? = nil
    ) {
        self.name = name
        self.health = health
        self.status = status
        self.documents = documents
        self.storeBytes = storeBytes
        self.primaryShards = primaryShards
        self.replicas = replicas
        self.createdVersion = createdVersion
    }

    /// Reads a `_cat/indices?format=json&bytes=b` answer.
    public static func all(fromCat json: JSONValue) -> [IndexSummary] {
        (json.arrayValue ?? []).compactMap { row in
            guard let name = row["index"]?.stringValue else { return nil }
            return IndexSummary(
                name: name,
                health: row["health"]?.stringValue,
                status: row["status"]?.stringValue.flatMap(Status.init(rawValue:)),
                documents: row["docs.count"]?.intValue ?? 0,
                storeBytes: row["store.size"]?.intValue ?? 0,
                primaryShards: row["pri"]?.intValue.map(Int.init),
                replicas: row["rep"]?.intValue.map(Int.init))
        }.sorted { $0.name < $1.name }
    }

    /// Whether the name marks a system or hidden index (`.kibana`, `.security-7`).
    public var isSystem: Bool { name.hasPrefix(".") }
}
