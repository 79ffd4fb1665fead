import Foundation

/// Reads a logged request's method and target (path and query) into an ``ExchangeRequest``, following the REST paths of
/// Elasticsearch 6.x to 8.x and OpenSearch, typed 6.x paths (`/{index}/{type}/{id}`) included.
enum ExchangeParser {
    static func parse(method: String, target: String) -> ExchangeRequest {
        let method = method.uppercased()
        let (segments, query) = split(target)
        if ["GET", "HEAD", "OPTIONS"].contains(method) { return .readOnly }
        if let request = document(method, segments, query) ?? bulkOrByQuery(method, segments, query) ?? rollover(method, segments) {
            return request
        }
        if isAdmin(method, segments) { return .admin }
        if segments.contains(where: readOnlyEndpoints.contains) { return .readOnly }
        return .unknown
    }

    /// The percent-decoded path segments and query parameters of a request target.
    static func split(_ target: String) -> (segments: [String], query: [String: String]) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let segments = (parts.first ?? "").split(separator: "/").map { decode($0, plusIsSpace: false) }
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = decode(keyValue[0], plusIsSpace: true)
                query[key] = keyValue.count > 1 ? decode(keyValue[1], plusIsSpace: true) : ""
            }
        }
        return (segments, query)
    }

    private static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
        let text = plusIsSpace ? text.replacingOccurrences(of: "+", with: " ") : String(text)
        return text.removingPercentEncoding ?? text
    }

    /// Endpoints that read, or change nothing a replay must repeat (refresh, flush, cache, force merge).
    private static let readOnlyEndpoints: Set<String> = [
        "_search", "_msearch", "_count", "_mget", "_refresh", "_flush", "_field_caps", "_validate", "_explain", "_analyze",
        "_search_shards", "_termvectors", "_mtermvectors", "_rank_eval", "_cache", "_forcemerge", "_pit", "_sql", "_async_search",
        "_eql", "_knn_search", "_render", "_msearch_template", "_ppl",
    ]

    /// A name chosen by a user (index, type, id) rather than an endpoint.
    private static func isName(_ segment: String) -> Bool { !segment.hasPrefix("_") }

    private static func document(_ method: String, _ segments: [String], _ query: [String: String]) -> ExchangeRequest? {
        guard segments.count >= 2, segments.count <= 4, isName(segments[0]) else { return nil }
        let index = segments[0]
        let writes = method == "PUT" || method == "POST"
        let opTypeCreate = query["op_type"] == "create"
        func write(_ operation: ExchangeRequest.DocumentWrite.Operation, type: String?, id: String?) -> ExchangeRequest {
            .document(
                ExchangeRequest.DocumentWrite(
                    operation: operation, index: index, type: type, id: id, routing: query["routing"], pipeline: query["pipeline"]))
        }
        let second = segments[1]
        let typeName = isName(second) ? second : nil
        switch segments.count {
        case 2 where method == "POST" && (second == "_doc" || typeName != nil):
            return write(opTypeCreate ? .create : .index, type: typeName, id: nil)
        case 3 where second == "_doc" || typeName != nil:
            let id = segments[2]
            // `/{index}/{type}/_bulk` and friends are endpoints, not documents.
            guard isName(id) || typeName == nil else { return nil }
            if writes { return write(opTypeCreate ? .create : .index, type: typeName, id: id) }
            if method == "DELETE" { return write(.delete, type: typeName, id: id) }
            return nil
        case 3 where second == "_create" && writes:
            return write(.create, type: nil, id: segments[2])
        case 3 where second == "_update" && method == "POST":
            return write(.update, type: nil, id: segments[2])
        case 4 where second == "_doc" || typeName != nil:
            if segments[3] == "_create" && writes { return write(.create, type: typeName, id: segments[2]) }
            if segments[3] == "_update" && method == "POST" { return write(.update, type: typeName, id: segments[2]) }
            return nil
        default:
            return nil
        }
    }

    private static func bulkOrByQuery(_ method: String, _ segments: [String], _ query: [String: String]) -> ExchangeRequest? {
        guard let last = segments.last, method == "POST" || method == "PUT" else { return nil }
        let names = segments.dropLast()
        guard names.count <= 2, names.allSatisfy(isName) else { return nil }
        switch last {
        case "_bulk":
            return .bulk(
                ExchangeRequest.Bulk(
                    index: names.first, type: names.count == 2 ? names.last : nil, routing: query["routing"],
                    pipeline: query["pipeline"]))
        case "_update_by_query", "_delete_by_query":
            guard method == "POST", let indices = names.first else { return nil }
            return .byQuery(indices: indices.split(separator: ",").map(String.init), deletes: last == "_delete_by_query")
        case "_reindex":
            return method == "POST" && names.isEmpty ? .reindex : nil
        default:
            return nil
        }
    }

    /// `POST /{alias}/_rollover[/{new_index}]`.
    private static func rollover(_ method: String, _ segments: [String]) -> ExchangeRequest? {
        guard method == "POST", (2...3).contains(segments.count), isName(segments[0]), segments[1] == "_rollover" else { return nil }
        return .rollover(alias: segments[0])
    }

    private static func isAdmin(_ method: String, _ segments: [String]) -> Bool {
        let changes = ["PUT", "POST", "DELETE"].contains(method)
        guard changes, let first = segments.first else { return false }
        let second = segments.count > 1 ? segments[1] : nil
        if isName(first) {
            switch (segments.count, second) {
            case (1, _): return method != "POST"  // create or delete an index
            case (2...3, "_mapping"), (2...3, "_mappings"): return method != "DELETE"
            case (2, "_settings"): return method == "PUT"
            case (3, "_alias"), (3, "_aliases"): return true
            case (2, "_open"), (2, "_close"): return method == "POST"
            case (3, _) where segments[2] == "_mapping" || segments[2] == "_mappings": return method != "DELETE"
            default: return false
            }
        }
        switch (first, segments.count) {
        case ("_aliases", 1): return method == "POST"
        case ("_mapping", 1...2): return method != "DELETE"
        case ("_settings", 1): return method == "PUT"
        case ("_template", 2), ("_index_template", 2), ("_component_template", 2): return true
        case ("_ingest", 3): return second == "pipeline" && method != "POST"
        default: return false
        }
    }
}
