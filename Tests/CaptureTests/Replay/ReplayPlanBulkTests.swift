import Foundation
import Testing

@testable import Capture

@Suite struct ReplayPlanBulkTests {
    static let body = """
        {"index":{"_index":"books","_id":"1","routing":"r1"}}
        {"title":"Dune",  "tags":["sf"], "note":"kept as sent ✓"}
        {"create":{"_index":"books"}}
        {"title":"auto"}
        {"update":{"_index":"books","_id":"2"}}
        {"doc":{"year":1966}}
        {"delete":{"_index":"books","_id":"3"}}
        {"delete":{"_index":"books","_id":"4"}}
        {"index":{"_index":"books","_id":"5"}}
        {"title":"conflict"}
        {"update":{"_index":"books","_id":"6"}}
        {"script":{"source":"ctx._source.n += 1"}}

        """

    static let response = """
        {"took":30,"errors":true,"items":[
        {"index":{"_index":"books","_id":"1","_version":2,"result":"updated","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":10,"_primary_term":1,"status":200}},
        {"create":{"_index":"books","_id":"Yq3a","_version":1,"result":"created","_seq_no":11,"_primary_term":1,"status":201}},
        {"update":{"_index":"books","_id":"2","_version":3,"result":"updated","_seq_no":12,"_primary_term":1,"status":200}},
        {"delete":{"_index":"books","_id":"3","_version":2,"result":"deleted","_seq_no":13,"_primary_term":1,"status":200}},
        {"delete":{"_index":"books","_id":"4","_version":1,"result":"not_found","_seq_no":14,"_primary_term":1,"status":404}},
        {"index":{"_index":"books","_id":"5","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[5]: version conflict"}}},
        {"update":{"_index":"books","_id":"6","_version":3,"result":"noop","_seq_no":-2,"status":200}}
        ]}
        """

    @Test func eachItemIsPairedWithItsAnswer() {
        let actions = Exchanges.plan(
            "POST", "/_bulk", body: Self.body, status: 200, response: Self.response,
            headers: [CaptureHeader(name: "content-type", value: "application/x-ndjson")])
        #expect(
            actions == [
                .index(
                    Exchanges.key("books", "1", routing: "r1"), version: 10,
                    source: Exchanges.source(#"{"title":"Dune",  "tags":["sf"], "note":"kept as sent ✓"}"#)),
                .index(Exchanges.key("books", "Yq3a"), version: 11, source: Exchanges.source(#"{"title":"auto"}"#)),
                .reread(Exchanges.key("books", "2")),
                .delete(Exchanges.key("books", "3"), version: 13),
            ])
    }

    @Test func sourceLinesAreSlicesOfTheRequestBody() {
        let body = Array("{\"index\":{\"_id\":\"1\"}}\r\n{\"a\":1}\r\n".utf8)
        let actions = ReplayPlan.parseBulkBody(body, defaults: ExchangeRequest.Bulk(index: "books"))
        let source = try? #require(actions?.first?.source)
        #expect(source.map(Array.init) == Array(#"{"a":1}"#.utf8))
        #expect(source?.startIndex == 23)
        #expect(actions?.first?.index == "books")
    }

    @Test func defaultsComeFromThePathIncludingTypedPaths() {
        let body = """
            {"index":{"_id":"1"}}
            {"a":1}
            {"delete":{"_id":"2","_routing":"r"}}

            """
        let response = """
            {"took":3,"errors":false,"items":[
            {"index":{"_index":"books","_type":"book","_id":"1","_version":7,"result":"created","status":201}},
            {"delete":{"_index":"books","_type":"book","_id":"2","_version":8,"result":"deleted","status":200}}]}
            """
        #expect(
            Exchanges.plan("POST", "/books/book/_bulk?routing=dflt", body: body, status: 200, response: response) == [
                .index(Exchanges.key("books", "1", type: "book", routing: "dflt"), version: 7, source: Exchanges.source(#"{"a":1}"#)),
                .delete(Exchanges.key("books", "2", type: "book", routing: "r"), version: 8),
            ])
    }

    @Test func aTrimmedAnswerLeadsToRereadsAndRepairsNotGuesses() {
        let body = """
            {"index":{"_index":"books","_id":"1"}}
            {"a":1}
            {"index":{"_index":"books"}}
            {"a":2}

            """
        let actions = Exchanges.plan("POST", "/_bulk?filter_path=errors", body: body, status: 200, response: #"{"errors":false}"#)
        #expect(actions.count == 2)
        #expect(actions.first == .reread(Exchanges.key("books", "1")))
        guard case .repair(let indices, _) = actions.last else {
            Issue.record("expected a repair, got \(actions)")
            return
        }
        #expect(indices == ["books"])
        let noVersions = Exchanges.plan(
            "POST", "/_bulk?filter_path=items.*.status", body: body, status: 200,
            response: #"{"items":[{"index":{"status":201}},{"index":{"status":201}}]}"#)
        #expect(noVersions.first == .reread(Exchanges.key("books", "1")))
        #expect(noVersions.count == 2)
    }

    @Test func noAnswerRereadsKnownIDsAndRepairsAutoIDs() {
        let actions = Exchanges.plan("POST", "/_bulk", body: Self.body, status: 0)
        let rereads = actions.compactMap { action -> String? in
            if case .reread(let key) = action { return key.id }
            return nil
        }
        #expect(rereads == ["1", "2", "3", "4", "5", "6"])
        #expect(actions.filter { if case .repair = $0 { true } else { false } }.count == 1)
    }

    @Test func aRefusedBulkBecomesNothing() {
        #expect(
            Exchanges.plan("POST", "/_bulk", body: "{\"index\":{}}\n", status: 400, response: #"{"error":"illegal_argument_exception"}"#)
                .isEmpty)
        #expect(
            Exchanges.plan("POST", "/_bulk", body: Self.body, status: 429, response: #"{"error":"es_rejected_execution_exception"}"#)
                .isEmpty)
    }

    @Test func anUnreadableBodyFallsBackOnTheAnswer() {
        let actions = Exchanges.plan("POST", "/_bulk", body: "not ndjson", status: 200, response: Self.response)
        #expect(actions.first == .reread(Exchanges.key("books", "1")))
        #expect(actions.contains(.delete(Exchanges.key("books", "3"), version: 13)))
        #expect(!actions.contains(.reread(Exchanges.key("books", "5"))))
    }
}
