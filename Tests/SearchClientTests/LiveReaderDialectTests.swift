import Foundation
import Logging
import TernCore
import Testing

@testable import SearchClient

/// The request shapes per version, checked without a server (none of these versions but OpenSearch 3.x runs here).
@Suite struct LiveReaderDialectTests {
    func dialect(_ distribution: Distribution, _ version: String) -> ReadDialect {
        ReadDialect(ClusterVersion(distribution, SemanticVersion(version)!))
    }

    func info(_ distribution: Distribution, _ version: String) -> ClusterInfo {
        ClusterInfo(clusterName: "c", clusterUUID: nil, version: ClusterVersion(distribution, SemanticVersion(version)!))
    }

    func json(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONValue.parse(bytes)
    }

    @Test func elasticsearch56ScrollsWithoutSequenceNumbers() throws {
        let body = try json(
            dialect(.elasticsearch, "5.6.16").searchBody(
                pageSize: 500, slice: 1, of: 3, query: nil, pointInTime: nil, searchAfter: nil))
        #expect(body["sort"] == .array([.string("_doc")]))
        #expect(body["slice"] == .object(["id": .int(1), "max": .int(3)]))
        #expect(body["seq_no_primary_term"] == nil)
        #expect(body["version"] == .bool(true) && body["_source"] == .bool(true) && body["size"] == .int(500))
        #expect(dialect(.elasticsearch, "5.6.16").pointInTime == nil)
    }

    @Test func elasticsearch68AsksForSequenceNumbersAndKeepsTypes() throws {
        let dialect = dialect(.elasticsearchOSS, "6.8.23")
        let body = try json(
            dialect.searchBody(
                pageSize: 10, slice: 0, of: 1, query: Array(#"{"term":{"a":1}}"#.utf8), pointInTime: nil, searchAfter: nil))
        #expect(body["seq_no_primary_term"] == .bool(true))
        #expect(body["slice"] == nil, "one slice: no slice clause")
        #expect(body.value(at: "query.term.a") == .int(1))
        #expect(dialect.documentType("_doc") == "_doc", "6.x: _doc is a real type name")
        #expect(dialect.documentType("tweet") == "tweet")
    }

    @Test func elasticsearch710PointInTimeBreaksTiesOnId() throws {
        let dialect = dialect(.elasticsearch, "7.10.2")
        #expect(dialect.pointInTime == .elasticsearch)
        #expect(dialect.openPointInTime(index: "logs", keepAlive: "5m")?.path == "/logs/_pit")
        #expect(dialect.openPointInTime(index: "logs", keepAlive: "5m")?.query.map { "\($0.0)=\($0.1)" } == ["keep_alive=5m"])
        let close = try #require(dialect.closePointInTime(id: "abc=="))
        #expect(close.path == "/_pit")
        #expect(try json(close.body) == .object(["id": .string("abc==")]))
        let body = try json(
            dialect.searchBody(
                pageSize: 100, slice: 0, of: 1, query: nil, pointInTime: ("abc==", "2m"), searchAfter: Array(#"[17,"x\"y"]"#.utf8)))
        #expect(body["pit"] == .object(["id": .string("abc=="), "keep_alive": .string("2m")]))
        #expect(try body["sort"] == json(Array(#"[{"_doc":"asc"},{"_id":"asc"}]"#.utf8)))
        #expect(body["search_after"] == .array([.int(17), .string("x\"y")]))
        #expect(body["track_total_hits"] == .bool(false))
        #expect(dialect.documentType("_doc") == nil, "7.x: _doc is the typeless placeholder")
        #expect(dialect.documentType("tweet") == "tweet", "a 6.x index read on 7.x keeps its type")
        #expect(dialect.autoMode == .scroll)
    }

    @Test func elasticsearch8UsesShardDocButAutoScrolls() throws {
        let dialect = dialect(.elasticsearch, "8.15.0")
        #expect(dialect.pointInTimeSort == #"[{"_shard_doc":"asc"}]"#)
        #expect(dialect.pointInTimeSlicesAreStable == false)
        #expect(dialect.autoMode == .scroll, "Elasticsearch slices a point in time by Lucene doc id")
    }

    @Test func ossAndOpenDistroHaveNoPointInTime() {
        #expect(dialect(.elasticsearchOSS, "7.10.2").pointInTime == nil)
        #expect(dialect(.opendistro, "7.10.2").pointInTime == nil)
        #expect(dialect(.opensearch, "2.3.0").pointInTime == nil)
        #expect(dialect(.opensearch, "1.3.19").autoMode == .scroll)
    }

    @Test func openSearchPointInTime() throws {
        let old = dialect(.opensearch, "2.11.1")
        #expect(old.pointInTime == .opensearch && old.hasShardDoc == false && old.autoMode == .scroll)
        #expect(old.openPointInTime(index: "a%2Cb", keepAlive: "1m")?.path == "/a%2Cb/_search/point_in_time")
        let close = try #require(old.closePointInTime(id: "o463=="))
        #expect(close.path == "/_search/point_in_time")
        #expect(try json(close.body) == .object(["pit_id": .array([.string("o463==")])]))

        let new = dialect(.opensearch, "3.8.0")
        #expect(new.autoMode == .pit)
        #expect(new.pointInTimeSort == #"[{"_shard_doc":{"order":"asc"}}]"#)
        #expect(new.documentType("_doc") == nil)
        let body = try json(new.searchBody(pageSize: 5, slice: 2, of: 4, query: nil, pointInTime: ("p", "5m"), searchAfter: nil))
        #expect(body["slice"] == .object(["id": .int(2), "max": .int(4)]))
        #expect(body["search_after"] == nil)
    }

    @Test func effectiveModeHonoursExplicitChoices() async throws {
        let configuration = ClusterConfiguration(role: "source", endpoints: [URL(string: "http://127.0.0.1:9")!])
        try await SearchClient.withClient(configuration, logger: Logger(label: "test")) { client in
            #expect(client.effectiveReadMode(.auto, for: info(.opensearch, "3.8.0")) == .pit)
            #expect(client.effectiveReadMode(.auto, for: info(.elasticsearch, "7.17.0")) == .scroll)
            #expect(client.effectiveReadMode(.pit, for: info(.elasticsearch, "7.17.0")) == .pit)
            #expect(client.effectiveReadMode(.scroll, for: info(.opensearch, "3.8.0")) == .scroll)
        }
    }

    @Test func requestJSONEscapes() throws {
        let text = "a\"b\\c\n\u{01}é"
        #expect(try JSONValue.parse(Array(RequestJSON.quoted(text).utf8)) == .string(text))
    }

    @Test func timeValues() {
        for good in ["5m", "90s", "1h", "2d", "500ms", "10micros", "7nanos"] { #expect(LiveReader.isTimeValue(good), "\(good)") }
        for bad in ["", "m", "5", "5 m", "-5m", "5min", "1.5m", "５m"] { #expect(!LiveReader.isTimeValue(bad), "\(bad)") }
    }
}
