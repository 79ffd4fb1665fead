import TernCore

/// The request shapes a cluster version understands for reading a whole index.
///
/// Verified against the sources of Elasticsearch and OpenSearch:
/// - Elasticsearch's point in time (`POST /<index>/_pit` → `{"id"}`, `DELETE /_pit` with `{"id"}`) arrived in 7.10 in
///   x-pack, so the OSS build and Open Distro lack it. `_shard_doc` (a unique per-document tiebreaker) arrived in 7.12;
///   before that only `_doc` exists, which repeats across shards, so `_id` must break ties. Slicing a point in time
///   arrived in 7.14 and splits by Lucene document id, refusing `_id` ("cannot slice on [_id] when using
///   [point-in-time]"): slices of separately opened points in time do not partition the same documents.
/// - OpenSearch's point in time (`POST /<index>/_search/point_in_time` → `{"pit_id"}`, `DELETE /_search/point_in_time`
///   with `{"pit_id":[...]}`) arrived in 2.4; its slices hash `_id`, stable across contexts. `_shard_doc` arrived in 3.3.
/// - `seq_no_primary_term` in a search body arrived in Elasticsearch 6.7; older versions reject the key.
struct ReadDialect: Sendable, Equatable {
    enum PointInTimeAPI: Sendable, Equatable {
        case elasticsearch
        case opensearch
    }

    /// The point-in-time API, nil where there is none.
    var pointInTime: PointInTimeAPI?
    /// Whether `_shard_doc` exists; otherwise `_doc` + `_id` order a point-in-time read.
    var hasShardDoc: Bool
    /// Whether slices of separately opened points in time partition the same documents (they hash `_id`).
    var pointInTimeSlicesAreStable: Bool
    var supportsSeqNoPrimaryTerm: Bool
    /// Whether `_type: "_doc"` is the typeless placeholder (7.x and OpenSearch), not a real mapping type.
    var docTypeIsPlaceholder: Bool

    init(_ version: ClusterVersion) {
        let number = version.version
        switch version.distribution {
        case .opensearch:
            pointInTime = number >= SemanticVersion(2, 4, 0) ? .opensearch : nil
            hasShardDoc = number >= SemanticVersion(3, 3, 0)
            pointInTimeSlicesAreStable = true
            supportsSeqNoPrimaryTerm = true
            docTypeIsPlaceholder = true
        case .elasticsearch:
            pointInTime = number >= SemanticVersion(7, 10, 0) ? .elasticsearch : nil
            hasShardDoc = number >= SemanticVersion(7, 12, 0)
            pointInTimeSlicesAreStable = false
            supportsSeqNoPrimaryTerm = number >= SemanticVersion(6, 7, 0)
            docTypeIsPlaceholder = number.major >= 7
        case .elasticsearchOSS, .opendistro:
            pointInTime = nil
            hasShardDoc = false
            pointInTimeSlicesAreStable = false
            supportsSeqNoPrimaryTerm = number >= SemanticVersion(6, 7, 0)
            docTypeIsPlaceholder = number.major >= 7
        }
    }

    /// What `auto` picks: a point in time only where it is cheap (`_shard_doc`, no `_id` fielddata on the heap) and
    /// its slices are stable across contexts, so each slice can be read, and redone, on its own. Scroll elsewhere.
    var autoMode: ReadMode {
        pointInTime != nil && hasShardDoc && pointInTimeSlicesAreStable ? .pit : .scroll
    }

    /// The `sort` of a point-in-time read: unique per document, so `search_after` neither skips nor repeats.
    var pointInTimeSort: String {
        guard hasShardDoc else { return #"[{"_doc":"asc"},{"_id":"asc"}]"# }
        return pointInTime == .opensearch ? #"[{"_shard_doc":{"order":"asc"}}]"# : #"[{"_shard_doc":"asc"}]"#
    }

    /// Path and query that open a point in time on `index` (already percent-encoded).
    func openPointInTime(index: String, keepAlive: String) -> (path: String, query: [(String, String)])? {
        switch pointInTime {
        case .elasticsearch: ("/\(index)/_pit", [("keep_alive", keepAlive)])
        case .opensearch: ("/\(index)/_search/point_in_time", [("keep_alive", keepAlive)])
        case nil: nil
        }
    }

    /// Path and body that close a point in time.
    func closePointInTime(id: String) -> (path: String, body: [UInt8])? {
        switch pointInTime {
        case .elasticsearch: ("/_pit", Array(#"{"id":\#(RequestJSON.quoted(id))}"#.utf8))
        case .opensearch: ("/_search/point_in_time", Array(#"{"pit_id":[\#(RequestJSON.quoted(id))]}"#.utf8))
        case nil: nil
        }
    }

    /// The body of a search page. `pointInTime` and `searchAfter` are for point-in-time reads; scroll reads pass neither.
    func searchBody(
        pageSize: Int, slice: Int, of sliceCount: Int, query: [UInt8]?, pointInTime: (id: String, keepAlive: String)?,
        searchAfter: [UInt8]?
    ) -> [UInt8] {
        var body = #"{"size":\#(pageSize)"#
        if let pointInTime {
            body += #","pit":{"id":\#(RequestJSON.quoted(pointInTime.id)),"keep_alive":\#(RequestJSON.quoted(pointInTime.keepAlive))}"#
            body += #","sort":\#(pointInTimeSort),"track_total_hits":false"#
        } else {
            body += #","sort":["_doc"]"#
        }
        if sliceCount > 1 {
            body += #","slice":{"id":\#(slice),"max":\#(sliceCount)}"#
        }
        body += #","version":true"#
        if supportsSeqNoPrimaryTerm {
            body += #","seq_no_primary_term":true"#
        }
        body += #","_source":true"#
        var bytes = Array(body.utf8)
        if let query {
            bytes += Array(#","query":"#.utf8)
            bytes += query
        }
        if let searchAfter {
            bytes += Array(#","search_after":"#.utf8)
            bytes += searchAfter
        }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// `_type` as a ``Document`` keeps it: nil for the typeless placeholder.
    func documentType(_ type: String?) -> String? {
        guard let type, !(docTypeIsPlaceholder && type == "_doc") else { return nil }
        return type
    }
}
