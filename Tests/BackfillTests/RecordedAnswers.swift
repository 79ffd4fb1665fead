import TernTestSupport
import Testing

@testable import Backfill

/// Answers of real Elasticsearch/OpenSearch versions, written from their documented response shapes, for the recorded
/// exchanges of the server-side strategy tests.
enum RecordedAnswers {
    typealias Exchange = RecordedExchangeServer.Exchange

    /// `GET /` and `GET /_nodes/plugins` of a cluster, any number of times.
    static func identity(_ product: Product) -> [Exchange] {
        [
            Exchange("GET", "/", body: product.root, times: 0),
            Exchange(
                "GET", "/_nodes/plugins",
                body:
                    #"{"_nodes":{"total":1,"successful":1,"failed":0},"cluster_name":"c","nodes":{"n1":{"name":"node-1","version":"\#(product.version)","roles":["data","ingest","master"],"plugins":[]}}}"#,
                times: 0),
        ]
    }

    enum Product {
        case elasticsearch(String, flavor: String)
        case opensearch(String)

        var version: String {
            switch self {
            case .elasticsearch(let version, _), .opensearch(let version): version
            }
        }

        var root: String {
            switch self {
            case .elasticsearch(let version, let flavor):
                #"{"name":"node-1","cluster_name":"old-logs","cluster_uuid":"kLb3h8ZSQm2W0ew3Yv0dvA","version":{"number":"\#(version)","build_flavor":"\#(flavor)","build_type":"tar","lucene_version":"8.7.0","minimum_wire_compatibility_version":"6.8.0","minimum_index_compatibility_version":"6.0.0-beta1"},"tagline":"You Know, for Search"}"#
            case .opensearch(let version):
                #"{"name":"node-1","cluster_name":"new-logs","cluster_uuid":"Qm2W0ew3Yv0dvAkLb3h8ZS","version":{"distribution":"opensearch","number":"\#(version)","build_type":"tar","lucene_version":"9.12.1","minimum_wire_compatibility_version":"7.10.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#
            }
        }
    }

    /// One row of `_cat/indices` and the version that created the index (`index.version.created`).
    struct IndexRow {
        var name: String
        var documents: Int
        var primaries = 1
        var created = "7100299"
    }

    /// `_cat/indices` and the creating versions, any number of times.
    static func indices(_ rows: [IndexRow]) -> [Exchange] {
        let cat = rows.map {
            #"{"health":"green","status":"open","index":"\#($0.name)","uuid":"u-\#($0.name)","pri":"\#($0.primaries)","rep":"1","docs.count":"\#($0.documents)","docs.deleted":"0","store.size":"\#($0.documents * 300)","pri.store.size":"\#($0.documents * 150)"}"#
        }
        let created = rows.map { #""\#($0.name)":{"settings":{"index.version.created":"\#($0.created)"}}"# }
        return [
            Exchange("GET", "/_cat/indices?format=json&bytes=b&expand_wildcards=all", body: "[\(cat.joined(separator: ","))]", times: 0),
            Exchange(
                "GET", "/_all/_settings/index.version.created?flat_settings=true&expand_wildcards=all",
                body: "{\(created.joined(separator: ","))}", times: 0),
        ]
    }

    /// `POST /<index>/_count`.
    static func count(_ index: String, _ count: Int, times: Int = 0, expect: String? = nil) -> Exchange {
        Exchange(
            "POST", "/\(index)/_count", body: #"{"count":\#(count),"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}"#,
            times: times, expect: expect)
    }

    /// The error body Elasticsearch and OpenSearch send, with `root_cause`.
    static func error(_ type: String, _ reason: String, status: Int, causedBy: (type: String, reason: String)? = nil) -> String {
        let escaped = reason.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let cause = causedBy.map { #","caused_by":{"type":"\#($0.type)","reason":"\#($0.reason)"}"# } ?? ""
        let root = causedBy.map { #"{"type":"\#($0.type)","reason":"\#($0.reason)"}"# } ?? #"{"type":"\#(type)","reason":"\#(escaped)"}"#
        return #"{"error":{"root_cause":[\#(root)],"type":"\#(type)","reason":"\#(escaped)"\#(cause)},"status":\#(status)}"#
    }

    /// Fails the test when the server received a request its recording does not expect.
    static func expectOnlyRecorded(_ server: RecordedExchangeServer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let unexpected = try server.unexpected()
        #expect(unexpected.isEmpty, "unexpected requests: \(unexpected)", sourceLocation: sourceLocation)
    }
}
