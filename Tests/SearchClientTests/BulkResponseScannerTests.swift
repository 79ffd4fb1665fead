import Foundation
import Testing

@testable import SearchClient

/// `_bulk` answers in the shapes Elasticsearch 6.8, 7.17, 8.x and OpenSearch 2.x send (typed in from their documented
/// and reported forms: no such cluster runs here), one captured from osmem-server, and corrupt ones.
@Suite struct BulkResponseScannerTests {
    static let elasticsearch6 = #"""
        {"took":31,"errors":true,"items":[{"index":{"_index":"tweets","_type":"_doc","_id":"1","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}},{"index":{"_index":"tweets","_type":"_doc","_id":"2","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [date] of type [date] in document with id '2'","caused_by":{"type":"illegal_argument_exception","reason":"Invalid format: \"yesterday\""}}}},{"index":{"_index":"tweets","_type":"_doc","_id":"3","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of processing of [119310915][indices:data/write/bulk[s][p]]: request: BulkShardRequest [[tweets][0]] containing [129] requests, target allocation id: WItygVvVSdaPTZIxELeQCw, primary term: 1 on EsThreadPoolExecutor[name = node03/write, queue capacity = 200, org.elasticsearch.common.util.concurrent.EsThreadPoolExecutor@184eb961[Running, pool size = 4, active threads = 4, queued tasks = 201, completed tasks = 21687296]]"}}},{"index":{"_index":"tweets","_type":"_doc","_id":"4","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[_doc][4]: version conflict, current version [9] is higher or equal to the one provided [5]","index_uuid":"kE2hRVDVQzKpnmUJ3Vq0XQ","shard":"0","index":"tweets"}}}]}
        """#

    static let elasticsearch7 = #"""
        {"took":12,"errors":true,"items":[{"index":{"_index":"logs","_type":"_doc","_id":"a","_version":2,"result":"updated","_shards":{"total":2,"successful":2,"failed":0},"_seq_no":17,"_primary_term":3,"status":200}},{"index":{"_index":"logs","_type":"_doc","_id":"b","status":429,"error":{"type":"circuit_breaking_exception","reason":"[parent] Data too large, data for [<transport_request>] would be [1021351536/974mb], which is larger than the limit of [1020054732/972.7mb], real usage: [1021351376/974mb], new bytes reserved: [160/160b], usages [request=0/0b, fielddata=0/0b, in_flight_requests=160/160b, accounting=5513532/5.2mb]","bytes_wanted":1021351536,"bytes_limit":1020054732,"durability":"TRANSIENT"}}},{"index":{"_index":"logs","_type":"_doc","_id":"c","status":400,"error":{"type":"strict_dynamic_mapping_exception","reason":"mapping set to strict, dynamic introduction of [extra] within [_doc] is not allowed"}}},{"index":{"_index":"logs","_type":"_doc","_id":"d","status":503,"error":{"type":"unavailable_shards_exception","reason":"[logs][1] primary shard is not active Timeout: [1m], request: [BulkShardRequest [[logs][1]] containing [1] requests]"}}}]}
        """#

    static let elasticsearch8 = #"""
        {"errors":true,"took":4,"ingest_took":0,"items":[{"create":{"_index":"metrics-2024","_id":"x1","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":5,"_primary_term":1,"status":201}},{"index":{"_index":"metrics-2024","_id":"x2","status":400,"error":{"type":"document_parsing_exception","reason":"[1:15] failed to parse field [value] of type [long] in document with id 'x2'. Preview of field's value: 'ten'","caused_by":{"type":"illegal_argument_exception","reason":"For input string: \"ten\""}}}},{"delete":{"_index":"metrics-2024","_id":"x3","_version":1,"result":"not_found","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":6,"_primary_term":1,"status":404}},{"index":{"_index":"metrics-2024","_id":"x4","status":500,"error":{"type":"null_pointer_exception","reason":null}}}]}
        """#

    static let elasticsearch8Clean = #"""
        {"errors":false,"took":2,"items":[{"index":{"_index":"a","_id":"1","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}},{"index":{"_index":"a","_id":"2","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":1,"_primary_term":1,"status":201}}]}
        """#

    static let openSearch2 = #"""
        {
          "took" : 3,
          "errors" : true,
          "items" : [
            { "index" : { "_index" : "movies", "_id" : "tt1979320", "_version" : 1, "result" : "created",
                "_shards" : { "total" : 2, "successful" : 1, "failed" : 0 }, "_seq_no" : 0, "_primary_term" : 1, "status" : 201 } },
            { "index" : { "_index" : "movies", "_id" : "tt1392214", "status" : 429,
                "error" : { "type" : "rejected_execution_exception",
                  "reason" : "rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=54215758, max_coordinating_and_primary_bytes=53687091]" } } },
            { "index" : { "_index" : "movies", "_id" : "\u00e9t\u00e9 \ud83d\ude00 \"q\"", "status" : 400,
                "error" : { "type" : "illegal_argument_exception", "reason" : "Limit of total fields [1000] has been exceeded\nwhile adding new fields [1]" } } }
          ]
        }
        """#

    /// Captured from osmem-server 3.8.0 (OpenSearch-compatible) with `filter_path`.
    static let osmemFiltered = #"""
        {"errors":true,"items":[{"index":{"status":200}},{"index":{"error":{"reason":"mapping set to strict, dynamic introduction of [extra] within [_doc] is not allowed","type":"strict_dynamic_mapping_exception"},"status":400}},{"index":{"error":{"reason":"[x]: version conflict, current version [5] is higher or equal to the one provided [3]","type":"version_conflict_engine_exception"},"status":409}},{"index":{"status":200}}]}
        """#

    private func items(_ text: String) throws -> [BulkResponseScanner.Item] {
        var items: [BulkResponseScanner.Item] = []
        _ = try BulkResponseScanner.scan(Array(text.utf8)) { items.append($0) }
        return items
    }

    @Test func readsRecordedElasticsearch6AnswerWithTypes() throws {
        let summary = try BulkResponseScanner.scan(Array(Self.elasticsearch6.utf8))
        #expect(summary.errors && summary.itemCount == 4)
        #expect(summary.failures.map(\.position) == [1, 2, 3])
        #expect(summary.failures.map(\.status) == [400, 429, 409])
        #expect(
            summary.failures.map(\.errorType) == [
                "mapper_parsing_exception", "es_rejected_execution_exception", "version_conflict_engine_exception",
            ])
        #expect(summary.failures[0].errorReason == "failed to parse field [date] of type [date] in document with id '2'")
        let all = try items(Self.elasticsearch6)
        #expect(all[0] == .init(position: 0, action: "index", status: 201, seqNo: 0, result: "created"))
    }

    @Test func readsRecordedElasticsearch7CircuitBreakersAndUnavailableShards() throws {
        let summary = try BulkResponseScanner.scan(Array(Self.elasticsearch7.utf8))
        #expect(summary.itemCount == 4)
        #expect(
            summary.failures.map(\.errorType) == [
                "circuit_breaking_exception", "strict_dynamic_mapping_exception", "unavailable_shards_exception",
            ])
        #expect(summary.failures.map(\.status) == [429, 400, 503])
        let verdicts = summary.failures.map { BulkScheduler.verdict(status: $0.status, errorType: $0.errorType, versioning: .none) }
        #expect(verdicts == [.rejected, .permanent, .rejected])
    }

    @Test func readsRecordedElasticsearch8ActionsAndNullReasons() throws {
        let all = try items(Self.elasticsearch8)
        #expect(all.map(\.action) == ["create", "index", "delete", "index"])
        #expect(all.map(\.status) == [201, 400, 404, 500])
        #expect(all[1].errorType == "document_parsing_exception")
        #expect(all[3].errorType == "null_pointer_exception" && all[3].errorReason == nil)
        #expect(all[2].result == "not_found" && all[2].seqNo == 6)
        #expect(BulkScheduler.verdict(status: 400, errorType: "document_parsing_exception", versioning: .external) == .permanent)
        #expect(BulkScheduler.verdict(status: 500, errorType: "null_pointer_exception", versioning: .external) == .serverError)
    }

    @Test func readsRecordedPrettyOpenSearchAnswerWithEscapes() throws {
        let all = try items(Self.openSearch2)
        #expect(all.count == 3)
        #expect(all[1].errorType == "rejected_execution_exception")
        #expect(BulkScheduler.verdict(status: 429, errorType: all[1].errorType, versioning: .none) == .rejected)
        #expect(all[2].errorReason == "Limit of total fields [1000] has been exceeded\nwhile adding new fields [1]")
    }

    @Test func readsRecordedFilteredAnswerOfOsmem() throws {
        let summary = try BulkResponseScanner.scan(Array(Self.osmemFiltered.utf8))
        #expect(summary.itemCount == 4)
        #expect(summary.failures.map(\.position) == [1, 2])
        #expect(summary.failures[1].errorType == "version_conflict_engine_exception")
        #expect(BulkScheduler.verdict(status: 409, errorType: "version_conflict_engine_exception", versioning: .external) == .alreadyNewer)
        #expect(BulkScheduler.verdict(status: 409, errorType: "version_conflict_engine_exception", versioning: .none) == .permanent)
    }

    @Test func onlyCountsTheItemsOfACleanRecordedAnswer() throws {
        let summary = try BulkResponseScanner.scan(Array(Self.elasticsearch8Clean.utf8))
        #expect(summary == .init(errors: false, itemCount: 2, failures: []))
        let filtered = #"{"errors":false,"items":[{"index":{"status":201}},{"index":{"status":200}},{"create":{"status":201}}]}"#
        #expect(try BulkResponseScanner.scan(Array(filtered.utf8)).itemCount == 3)
        #expect(try items(filtered).map(\.status) == [201, 200, 201], "a visitor still sees every item")
    }

    @Test func scansALargeAnswerQuickly() throws {
        var text = #"{"took":100,"errors":true,"items":["#
        for number in 0..<50_000 {
            if number > 0 { text += "," }
            text +=
                number % 1000 == 7
                ? #"{"index":{"_index":"big","_id":"\#(number)","status":429,"error":{"type":"es_rejected_execution_exception","reason":"busy"}}}"#
                : #"{"index":{"_index":"big","_id":"\#(number)","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":\#(number),"_primary_term":1,"status":201}}"#
        }
        text += "]}"
        let bytes = Array(text.utf8)
        let started = ContinuousClock.now
        let summary = try BulkResponseScanner.scan(bytes)
        let elapsed = ContinuousClock.now - started
        #expect(summary.itemCount == 50_000)
        #expect(summary.failures.count == 50)
        #expect(summary.failures.allSatisfy { $0.position % 1000 == 7 })
        // A guard against quadratic scanning (alone this takes milliseconds), not a speed goal: bench/ measures speed.
        #expect(elapsed < .seconds(30), "\(bytes.count) bytes in \(elapsed)")
    }

    @Test(arguments: [
        "",
        "null",
        "[]",
        #"{"errors":false}"#,
        #"{"errors":true,"items":[{"index":{"status":201}}"#,
        #"{"errors":true,"items":[{"index":{"status":201}},]}"#,
        #"{"errors":true,"items":[{"index":{"_id":"1"}}]}"#,
        #"{"errors":true,"items":[{"index":{"status":"201"}}]}"#,
        #"{"errors":true,"items":[{"index":{"status":201,"error":{"type":"x","reason":"unterminated}}}]}"#,
        #"{"errors":false,"items":[{"index":{"status":201}} {"index":{"status":201}}]}"#,
        #"{"errors":false,"items":[1,2]}"#,
        #"{"errors":tru,"items":[]}"#,
        #"{"errors":false,"items":[]} trailing"#,
        #"<html><body>502 Bad Gateway</body></html>"#,
        #"{"errors":true,"items":[{"index":{"status":400,"error":{"reason":"bad \uZZZZ"}}}]}"#,
        // Numbers are RFC 8259's everywhere, also in what is only skipped or counted.
        #"{"errors":true,"items":[{"index":{"status":0201}}]}"#,
        #"{"errors":false,"items":[{"index":{"status":201,"_version":01}}]}"#,
        #"{"errors":true,"items":[{"index":{"status":201,"_shards":{"total":1.}}}]}"#,
        #"{"errors":true,"items":[{"index":{"status":400,"error":{"type":"x","reason":"lone \ud800"}}}]}"#,
    ])
    func corruptAnswersThrow(_ text: String) {
        #expect(throws: BulkResponseScanner.MalformedResponse.self) { try BulkResponseScanner.scan(Array(text.utf8)) }
    }

    @Test func keysMayBeEscapedAndBadUTF8IsReplaced() throws {
        var bytes = Array(#"{"errors":true,"items":[{"ind\u0065x":{"st\u0061tus":400,"error":{"type":"t","reason":"bad ? byte"}}}]}"#.utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "?"))!] = 0xFF
        let all = try items(String(decoding: bytes, as: UTF8.self))
        #expect(all.map(\.action) == ["index"] && all.map(\.status) == [400])
        let summary = try BulkResponseScanner.scan(bytes)
        #expect(summary.failures.first?.errorReason == "bad \u{FFFD} byte")
    }

    @Test func malformedAnswersTellWhere() {
        do {
            _ = try BulkResponseScanner.scan(Array(#"{"errors":false,"items":[{"index":{"status":201}}] x"#.utf8))
            Issue.record("no error")
        } catch let error as BulkResponseScanner.MalformedResponse {
            #expect(error.offset == 51 && error.detail == "expected ',' or '}'")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func truncatedAnswersThrowAtEveryCut() {
        let bytes = Array(Self.elasticsearch7.utf8)
        for cut in stride(from: 0, to: bytes.count - 1, by: 7) {
            #expect(throws: BulkResponseScanner.MalformedResponse.self) { try BulkResponseScanner.scan(Array(bytes[..<cut])) }
        }
    }
}
