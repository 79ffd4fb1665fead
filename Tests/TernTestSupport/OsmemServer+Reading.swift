import Foundation
import Logging
import SearchClient
import TernCore

extension OsmemServer {
    /// A document to index, with the routing it is written under.
    public struct SeedDocument: Sendable {
        public var id: String
        /// JSON source.
        public var source: String
        public var routing: String?

        public init(id: String, source: String, routing: String? = nil) {
            self.id = id
            self.source = source
            self.routing = routing
        }
    }

    /// Indexes `documents` into `index` with `_bulk` in batches (ids and routing JSON-escaped), and refreshes.
    public func seed(index: String, documents: [SeedDocument], batchSize: Int = 1000) async throws {
        for start in stride(from: 0, to: documents.count, by: batchSize) {
            var body: [UInt8] = []
            for document in documents[start..<min(start + batchSize, documents.count)] {
                var action: [String: String] = ["_index": index, "_id": document.id]
                if let routing = document.routing { action["routing"] = routing }
                body += try JSONSerialization.data(withJSONObject: ["index": action], options: [.sortedKeys])
                body.append(UInt8(ascii: "\n"))
                body += Array(document.source.utf8)
                body.append(UInt8(ascii: "\n"))
            }
            let answer = try await send(.POST, "/_bulk", query: [("refresh", "true")], body: body, contentType: "application/x-ndjson")
            let json = try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any]
            guard json?["errors"] as? Bool == false else {
                throw TestSupportError("bulk into \(index) reported errors: \(String(decoding: answer.prefix(500), as: UTF8.self))")
            }
        }
    }

    /// Sends one request and returns the body of a 2xx answer; anything else throws.
    @discardableResult
    public func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil, contentType: String = "application/json"
    ) async throws -> [UInt8] {
        try await usingClient { client in
            let response = try await client.send(method, path, query: query, body: body, contentType: contentType)
            guard response.isSuccess else {
                throw TestSupportError("\(method) \(path) answered \(response.status): \(String(decoding: response.bytes, as: UTF8.self))")
            }
            return response.bytes
        }
    }

    /// Points in time the server holds (`GET /_search/point_in_time/_all`).
    public func openPointsInTime() async throws -> Int {
        let json = try JSONSerialization.jsonObject(with: Data(try await send(.GET, "/_search/point_in_time/_all"))) as? [String: Any]
        return (json?["pits"] as? [Any])?.count ?? 0
    }

    /// Clears every scroll the server holds and returns how many it freed (`DELETE /_search/scroll/_all`; 404 when none).
    public func clearAllScrolls() async throws -> Int {
        try await usingClient { client in
            let response = try await client.send(.DELETE, "/_search/scroll/_all")
            guard response.isSuccess || response.status == 404,
                let json = try JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String: Any],
                let freed = json["num_freed"] as? Int
            else {
                throw TestSupportError(
                    "DELETE /_search/scroll/_all answered \(response.status): \(String(decoding: response.bytes, as: UTF8.self))")
            }
            return freed
        }
    }
}
