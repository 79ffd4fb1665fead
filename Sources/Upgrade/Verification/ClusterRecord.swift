import Foundation
import SearchClient
import TernCore

/// What a cluster looked like at one moment: node versions, health, indices with their document counts.
/// Taken before an upgrade and compared with the cluster afterwards.
public struct ClusterRecord: Sendable, Codable, Equatable {
    public var takenAt: Date
    /// Node name to version.
    public var nodes: [String: String]
    public var health: String
    /// Index name to document count (open indices; closed ones cannot be counted).
    public var documents: [String: Int64]

    public init(takenAt: Date = Date(), nodes: [String: String], health: String, documents: [String: Int64]) {
        self.takenAt = takenAt
        self.nodes = nodes
        self.health = health
        self.documents = documents
    }

    enum CodingKeys: String, CodingKey {
        case nodes, health, documents
        case takenAt = "taken_at"
    }

    /// Reads the record from the cluster (after a refresh, so counts include every acknowledged write).
    public static func take(_ client: SearchClient) async throws -> ClusterRecord {
        _ = try? await client.send(.POST, "/_refresh", query: [("expand_wildcards", "open")])
        let nodes = NodeSummary.all(in: try await client.getJSON("/_nodes"))
        let health = try await client.health()
        let cat = try await client.getJSON("/_cat/indices", query: [("format", "json"), ("expand_wildcards", "all")])
        var documents: [String: Int64] = [:]
        for index in IndexSummary.all(fromCat: cat) where index.status != .close {
            documents[index.name] = index.documents
        }
        return ClusterRecord(
            nodes: Dictionary(nodes.map { ($0.name, $0.version) }, uniquingKeysWith: { first, _ in first }), health: health.status.rawValue,
            documents: documents)
    }
}
