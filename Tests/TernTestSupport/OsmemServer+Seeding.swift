import Foundation
import Logging
import SearchClient
import TernCore

extension OsmemServer {
    /// A cluster configuration pointing at this server.
    public func configuration(role: String) -> ClusterConfiguration {
        ClusterConfiguration(role: role, endpoints: [url], timeouts: Timeouts(connect: .seconds(2), request: .seconds(30)))
    }

    /// Creates an index with the given body (settings, mappings).
    public func createIndex(_ name: String, body: String = "{}") async throws {
        try await request(.PUT, "/\(name)", body: Array(body.utf8))
    }

    /// Indexes `documents` (id, JSON source) into `index` with `_bulk` and refreshes.
    public func seed(index: String, documents: [(id: String, source: String)]) async throws {
        var body = ""
        for document in documents {
            body += "{\"index\":{\"_index\":\"\(index)\",\"_id\":\"\(document.id)\"}}\n\(document.source)\n"
        }
        try await request(.POST, "/_bulk?refresh=true", body: Array(body.utf8), contentType: "application/x-ndjson")
    }

    /// Sets a persistent cluster setting.
    public func putClusterSetting(_ key: String, _ jsonValue: String) async throws {
        try await request(.PUT, "/_cluster/settings", body: Array("{\"persistent\":{\"\(key)\":\(jsonValue)}}".utf8))
    }

    private func request(_ method: HTTPMethod, _ pathAndQuery: String, body: [UInt8], contentType: String = "application/json") async throws
    {
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1).map(String.init)
        let query =
            parts.count > 1
            ? parts[1].split(separator: "&").map { pair -> (String, String) in
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                return (kv[0], kv.count > 1 ? kv[1] : "")
            } : []
        try await usingClient { client in
            let response = try await client.send(method, parts[0], query: query, body: body, contentType: contentType)
            guard response.isSuccess else {
                throw TestSupportError(
                    "\(method) \(pathAndQuery) answered \(response.status): \(String(decoding: response.bytes, as: UTF8.self))")
            }
        }
    }
}
