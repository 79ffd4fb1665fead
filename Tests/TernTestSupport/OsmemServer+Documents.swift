import Foundation
import Logging
import SearchClient
import TernCore

extension OsmemServer {
    /// One stored document as the cluster returns it.
    public struct StoredDocument: Equatable, Sendable, CustomStringConvertible {
        public var routing: String?
        /// The source re-serialised with sorted keys, so equal JSON compares equal.
        public var canonicalSource: String
        public var description: String { "\(routing.map { "routing \($0) " } ?? "")\(canonicalSource)" }
    }

    /// Every document of `index` (at most 10,000), by `_id`, after a refresh.
    public func documents(in index: String) async throws -> [String: StoredDocument] {
        try await usingClient { client in
            _ = try await client.send(.POST, "/\(index)/_refresh")
            let response = try await client.send(.POST, "/\(index)/_search", body: Array(#"{"size":10000,"query":{"match_all":{}}}"#.utf8))
            guard response.isSuccess else {
                throw TestSupportError("search of \(index) answered \(response.status): \(String(decoding: response.bytes, as: UTF8.self))")
            }
            let json = try JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String: Any]
            let hits = ((json?["hits"] as? [String: Any])?["hits"] as? [[String: Any]]) ?? []
            var documents: [String: StoredDocument] = [:]
            for hit in hits {
                guard let id = hit["_id"] as? String, let source = hit["_source"] else { continue }
                documents[id] = StoredDocument(routing: hit["_routing"] as? String, canonicalSource: try Self.canonical(source))
            }
            return documents
        }
    }

    /// JSON text with sorted keys.
    public static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }
}
