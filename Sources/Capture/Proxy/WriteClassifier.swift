/// Decides from method and URI alone whether a request changes data (captured) or only reads (passed through).
///
/// It errs on the side of capture for anything that writes documents or index metadata, and passes cluster-wide
/// operations (`_cluster`, `_nodes`, `_snapshot`, `_tasks`, security) through uncaptured: replaying those on the other
/// cluster would be wrong, not merely redundant.
public enum WriteClassifier {
    /// Classifies one request.
    /// - Parameters:
    ///   - method: the HTTP method, any case.
    ///   - uri: the request target: path with an optional query (`/books/_doc/1?refresh=true`).
    public static func classify(method: String, uri: String) -> RequestClass {
        let method = method.uppercased()
        guard mutatingMethods.contains(method) else { return .read }
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let segments = path.split(separator: "/").map(String.init)
        guard let first = segments.first else { return .read }
        if first.hasPrefix("_") {
            return classifyClusterLevel(method: method, segments: segments)
        }
        return classifyIndexLevel(method: method, segments: segments)
    }

    static let mutatingMethods: Set<String> = ["PUT", "POST", "DELETE", "PATCH"]

    /// Endpoints that write documents wherever they appear after the index (and 6.x type).
    private static let documentEndpoints: Set<String> = [
        "_doc", "_create", "_update", "_bulk", "_update_by_query", "_delete_by_query",
    ]
    /// Endpoints under an index that change its metadata or state.
    private static let indexAdminEndpoints: Set<String> = [
        "_mapping", "_mappings", "_settings", "_alias", "_aliases", "_open", "_close", "_rollover", "_clone", "_split",
        "_shrink", "_block",
    ]
    /// Cluster-level endpoints whose named objects define indices or their documents.
    private static let definitionEndpoints: Set<String> = [
        "_index_template", "_template", "_component_template", "_data_stream", "_scripts",
    ]

    /// `/_something/...`: cluster-level APIs.
    private static func classifyClusterLevel(method: String, segments: [String]) -> RequestClass {
        let endpoint = segments[0]
        switch endpoint {
        case "_bulk", "_update_by_query", "_delete_by_query", "_reindex":
            return .write
        case "_aliases", "_mapping", "_mappings", "_settings":
            return .indexAdmin
        case _ where definitionEndpoints.contains(endpoint):
            // `_index_template/_simulate` and friends only compute an answer.
            guard segments.count >= 2, !segments[1].hasPrefix("_") else { return .read }
            return method == "PUT" || method == "POST" || method == "DELETE" ? .indexAdmin : .read
        case "_ingest":
            // `/_ingest/pipeline/{id}`, but not `/_ingest/pipeline/{id}/_simulate`.
            guard segments.count == 3, segments[1] == "pipeline", !segments[2].hasPrefix("_") else { return .read }
            return method == "PUT" || method == "DELETE" ? .indexAdmin : .read
        default:
            return .read
        }
    }

    /// `/{index}/...`, including 6.x typed paths `/{index}/{type}/...`.
    private static func classifyIndexLevel(method: String, segments: [String]) -> RequestClass {
        guard segments.count >= 2 else {
            // `PUT /{index}` creates it, `DELETE /{index}` deletes it.
            return method == "PUT" || method == "DELETE" ? .indexAdmin : .read
        }
        let second = segments[1]
        if second.hasPrefix("_") {
            if documentEndpoints.contains(second) { return .write }
            if indexAdminEndpoints.contains(second) { return .indexAdmin }
            return .read
        }
        // 6.x: the second segment is a type.
        guard segments.count >= 3 else {
            // `POST /{index}/{type}` indexes with a generated id.
            return method == "POST" ? .write : .read
        }
        let third = segments[2]
        if third.hasPrefix("_") {
            if documentEndpoints.contains(third) { return .write }
            if indexAdminEndpoints.contains(third) { return .indexAdmin }
            return .read
        }
        // `/{index}/{type}/{id}` and `/{index}/{type}/{id}/_update|_create`.
        if segments.count == 3 { return .write }
        return documentEndpoints.contains(segments[3]) ? .write : .read
    }
}
