/// The reads `tern proxy --read-log` records and `tern compare-reads` compares: the ones whose answers depend only on
/// the data, so that the source's and the target's can be held side by side.
public enum ReadKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// `GET|POST [/{index}]/_search`
    case search
    /// `GET|POST [/{index}]/_msearch`
    case multiSearch = "msearch"
    /// `GET|POST [/{index}]/_count`
    case count
    /// `GET /{index}/_doc/{id}`
    case document

    /// What a request is, from its method and target (path and query); nil for anything else (typed 6.x paths,
    /// scrolls, templates, other APIs).
    public static func classify(method: String, uri: String) -> ReadKind? {
        let method = method.uppercased()
        guard method == "GET" || method == "POST" else { return nil }
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let segments = path.split(separator: "/")
        func isIndex(_ segment: Substring) -> Bool { !segment.hasPrefix("_") }
        switch segments.count {
        case 1, 2:
            guard segments.count == 1 || isIndex(segments[0]) else { return nil }
            switch segments[segments.count - 1] {
            case "_search": return .search
            case "_msearch": return .multiSearch
            case "_count": return .count
            default: return nil
            }
        case 3 where method == "GET" && isIndex(segments[0]) && segments[1] == "_doc" && !segments[0].contains(","):
            return .document
        default:
            return nil
        }
    }
}
