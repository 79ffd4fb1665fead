import Foundation
import Testing

@testable import Capture

@Suite struct ReplayPlanDocumentTests {
    @Test func indexWithIDCarriesTheSeqNoAndTheBodyAsSent() {
        let body = "{ \"title\" : \"Dune\",\n  \"year\": 1965 }"
        let actions = Exchanges.plan(
            "PUT", "/books/_doc/1?routing=shelf-4&refresh=wait_for", body: body, status: 201,
            response:
                #"{"_index":"books","_id":"1","_version":3,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":17,"_primary_term":1}"#
        )
        #expect(actions == [.index(Exchanges.key("books", "1", routing: "shelf-4"), version: 17, source: Exchanges.source(body))])
    }

    @Test func autoIDTakesTheIDFromTheAnswerAndTheIndexBehindAnAlias() {
        let actions = Exchanges.plan(
            "POST", "/books-current/_doc", body: #"{"title":"Emma"}"#, status: 201,
            response: #"{"_index":"books-000002","_id":"k9fS3ZIBx1x1","_version":1,"result":"created","_seq_no":0,"_primary_term":1}"#)
        #expect(
            actions == [.index(Exchanges.key("books-000002", "k9fS3ZIBx1x1"), version: 0, source: Exchanges.source(#"{"title":"Emma"}"#))])
    }

    @Test func createAndOpTypeCreate() {
        let answer = #"{"_index":"books","_id":"2","_version":1,"result":"created","_seq_no":5,"_primary_term":2}"#
        let expected: [ReplayAction] = [.index(Exchanges.key("books", "2"), version: 5, source: Exchanges.source("{}"))]
        #expect(Exchanges.plan("PUT", "/books/_create/2", body: "{}", status: 201, response: answer) == expected)
        #expect(Exchanges.plan("POST", "/books/_doc/2?op_type=create", body: "{}", status: 201, response: answer) == expected)
    }

    @Test func refusedWritesBecomeNothing() {
        let conflict =
            #"{"error":{"root_cause":[{"type":"version_conflict_engine_exception","reason":"[2]: version conflict, document already exists (current version [1])"}],"type":"version_conflict_engine_exception"},"status":409}"#
        #expect(Exchanges.plan("PUT", "/books/_create/2", body: "{}", status: 409, response: conflict).isEmpty)
        #expect(
            Exchanges.plan(
                "PUT", "/books/_doc/3", body: "{bad", status: 400, response: #"{"error":"mapper_parsing_exception","status":400}"#
            ).isEmpty)
        #expect(Exchanges.plan("PUT", "/books/_doc/3", body: "{}", status: 429, response: "").isEmpty)
    }

    @Test func typedWriteOfElasticsearch5UsesTheVersion() {
        let actions = Exchanges.plan(
            "PUT", "/books/book/7", body: #"{"a":1}"#, status: 201,
            response:
                #"{"_index":"books","_type":"book","_id":"7","_version":4,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"created":true}"#
        )
        #expect(actions == [.index(Exchanges.key("books", "7", type: "book"), version: 4, source: Exchanges.source(#"{"a":1}"#))])
    }

    @Test func deleteFoundAndNotFound() {
        let deleted = Exchanges.plan(
            "DELETE", "/books/_doc/1?routing=r", status: 200,
            response:
                #"{"_index":"books","_id":"1","_version":2,"result":"deleted","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":18,"_primary_term":1}"#
        )
        #expect(deleted == [.delete(Exchanges.key("books", "1", routing: "r"), version: 18)])
        let missing = Exchanges.plan(
            "DELETE", "/books/_doc/9", status: 404,
            response: #"{"_index":"books","_id":"9","_version":1,"result":"not_found","_seq_no":19,"_primary_term":1}"#)
        #expect(missing.isEmpty)
    }

    @Test func updatesAreReread() {
        let updated = #"{"_index":"books","_id":"1","_version":5,"result":"updated","_seq_no":20,"_primary_term":1}"#
        #expect(
            Exchanges.plan("POST", "/books/_update/1?routing=r", body: #"{"doc":{"year":1966}}"#, status: 200, response: updated)
                == [.reread(Exchanges.key("books", "1", routing: "r"))])
        #expect(
            Exchanges.plan(
                "POST", "/books/_update/1", body: #"{"script":{"source":"ctx._source.n++"},"upsert":{"n":1}}"#, status: 201,
                response: updated.replacingOccurrences(of: "updated", with: "created")) == [.reread(Exchanges.key("books", "1"))])
        #expect(
            Exchanges.plan(
                "POST", "/books/book/1/_update", body: #"{"doc":{}}"#, status: 200,
                response: #"{"_index":"books","_type":"book","_id":"1","_version":5,"result":"updated","_seq_no":3,"_primary_term":1}"#)
                == [.reread(Exchanges.key("books", "1", type: "book"))])
        let noop =
            #"{"_index":"books","_id":"1","_version":5,"result":"noop","_shards":{"total":0,"successful":0,"failed":0},"_seq_no":-2}"#
        #expect(Exchanges.plan("POST", "/books/_update/1", body: #"{"doc":{"year":1966}}"#, status: 200, response: noop).isEmpty)
    }

    @Test func unknownOutcomesAreRereadOrRepaired() {
        #expect(Exchanges.plan("PUT", "/books/_doc/1", body: "{}", status: 0) == [.reread(Exchanges.key("books", "1"))])
        #expect(Exchanges.plan("DELETE", "/books/_doc/1", status: 502, response: "Bad Gateway") == [.reread(Exchanges.key("books", "1"))])
        #expect(Exchanges.plan("POST", "/books/_update/1", body: "{}", status: 0) == [.reread(Exchanges.key("books", "1"))])
        let auto = Exchanges.plan("POST", "/books/_doc", body: "{}", status: 0)
        guard case .repair(let indices, let reason) = auto.first, auto.count == 1 else {
            Issue.record("expected a repair, got \(auto)")
            return
        }
        #expect(indices == ["books"])
        #expect(reason.contains("id is unknown"))
        // No response record at all reads as no answer.
        let request = CaptureRecord.request(exchange: 1, timestampMillis: 0, method: "PUT", target: "/books/_doc/5", body: Array("{}".utf8))
        #expect(ReplayPlan(request: request, response: nil).actions == [.reread(Exchanges.key("books", "5"))])
    }

    @Test func storedFormsOtherThanTheBodyAreReread() {
        let answer = #"{"_index":"books","_id":"1","_version":1,"result":"created","_seq_no":1,"_primary_term":1}"#
        #expect(
            Exchanges.plan("PUT", "/books/_doc/1?pipeline=enrich", body: "{}", status: 201, response: answer)
                == [.reread(Exchanges.key("books", "1"))])
        #expect(
            Exchanges.plan(
                "PUT", "/books/_doc/1", bytes: [0x3A, 0x29, 0x0A, 0x05], status: 201, response: answer,
                headers: [CaptureHeader(name: "Content-Type", value: "application/smile")]) == [.reread(Exchanges.key("books", "1"))])
        // An answer trimmed by filter_path carries no version: fetch rather than guess.
        #expect(
            Exchanges.plan("PUT", "/books/_doc/1?filter_path=result", body: "{}", status: 200, response: #"{"result":"updated"}"#)
                == [.reread(Exchanges.key("books", "1"))])
    }

    @Test func compressedBodiesAreInflated() throws {
        let body = #"{"title":"Gzipped"}"#
        let compressed = try Gzip.compress(Array(body.utf8))
        let actions = Exchanges.plan(
            "PUT", "/books/_doc/1", bytes: compressed, status: 201,
            response: #"{"_index":"books","_id":"1","_version":1,"result":"created","_seq_no":1,"_primary_term":1}"#,
            headers: [
                CaptureHeader(name: "Content-Encoding", value: "gzip"), CaptureHeader(name: "Content-Type", value: "application/json"),
            ])
        #expect(actions == [.index(Exchanges.key("books", "1"), version: 1, source: Exchanges.source(body))])
    }
}
