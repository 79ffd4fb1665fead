import TernCore

/// `GET /_cluster/health`, the fields an operator looks at first.
public struct ClusterHealth: Sendable, Codable, Equatable {
    /// The cluster's colour; the raw values are the words the cluster and `--json` use.
    public enum Status: String, Sendable, Codable, Equatable {
        case green, yellow, red
        /// The answer had no status Tern knows.
        case unknown
    }

    public var status: Status
    public var numberOfNodes: Int
    public var numberOfDataNodes: Int
    public var activePrimaryShards: Int
    public var activeShards: Int
    public var relocatingShards: Int
    public var initializingShards: Int
    public var unassignedShards: Int

    public init(json: JSONValue) {
        func int(_ key: String) -> Int { Int(json[key]?.intValue ?? 0) }
        status = json["status"]?.stringValue.flatMap(Status.init(rawValue:)) ?? .unknown
        numberOfNodes = int("number_of_nodes")
        numberOfDataNodes = int("number_of_data_nodes")
        activePrimaryShards = int("active_primary_shards")
        activeShards = int("active_shards")
        relocatingShards = int("relocating_shards")
        initializingShards = int("initializing_shards")
        unassignedShards = int("unassigned_shards")
    }

    enum CodingKeys: String, CodingKey {
        case status
        case numberOfNodes = "number_of_nodes"
        case numberOfDataNodes = "number_of_data_nodes"
        case activePrimaryShards = "active_primary_shards"
        case activeShards = "active_shards"
        case relocatingShards = "relocating_shards"
        case initializingShards = "initializing_shards"
        case unassignedShards = "unassigned_shards"
    }
}
