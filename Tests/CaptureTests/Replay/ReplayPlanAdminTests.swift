import Foundation
import Testing

@testable import Capture

@Suite struct ReplayPlanAdminTests {
    private let acknowledged = #"{"acknowledged":true}"#

    @Test func indexLevelChangesAreReplayedAsSent() {
        let cases: [(String, String, String)] = [
            ("PUT", "/books", #"{"settings":{"number_of_shards":1},"mappings":{"properties":{"title":{"type":"text"}}}}"#),
            ("DELETE", "/books", ""),
            ("PUT", "/books/_mapping", #"{"properties":{"year":{"type":"integer"}}}"#),
            ("POST", "/_aliases", #"{"actions":[{"add":{"index":"books-2","alias":"books"}}]}"#),
            ("PUT", "/books/_alias/current", ""),
            ("PUT", "/books/_settings", #"{"index":{"number_of_replicas":2}}"#),
        ]
        for (method, target, body) in cases {
            #expect(
                Exchanges.plan(method, target, body: body, status: 200, response: acknowledged)
                    == [.admin(method: method, target: target, body: Array(body.utf8))])
        }
        #expect(
            Exchanges.plan("PUT", "/books", body: "{}", status: 400, response: #"{"error":{"type":"resource_already_exists_exception"}}"#)
                .isEmpty)
    }

    @Test func anUnansweredAdminRequestIsReported() {
        let actions = Exchanges.plan("PUT", "/books/_settings?timeout=30s", body: "{}", status: 0)
        guard case .unsupported(let text) = actions.first, actions.count == 1 else {
            Issue.record("expected one unsupported action, got \(actions)")
            return
        }
        #expect(text.hasPrefix("PUT /books/_settings got no answer"))
    }

    @Test func byQueryChangesNeedARepairOnlyWhenTheyChangedSomething() {
        let deleted =
            #"{"took":147,"timed_out":false,"total":2,"deleted":2,"batches":1,"version_conflicts":0,"noops":0,"retries":{"bulk":0,"search":0},"failures":[]}"#
        #expect(
            Exchanges.plan("POST", "/books,films/_delete_by_query", body: #"{"query":{"match_all":{}}}"#, status: 200, response: deleted)
                == [.repair(indices: ["books", "films"], reason: "_delete_by_query changed documents whose ids the log does not name")])
        let none = #"{"took":5,"timed_out":false,"total":0,"updated":0,"batches":0,"version_conflicts":0,"noops":0,"failures":[]}"#
        #expect(Exchanges.plan("POST", "/books/_update_by_query", body: "{}", status: 200, response: none).isEmpty)
        let updated = none.replacingOccurrences(of: #""updated":0"#, with: #""updated":7"#)
        #expect(
            Exchanges.plan("POST", "/books/_update_by_query?conflicts=proceed", body: "{}", status: 200, response: updated)
                == [.repair(indices: ["books"], reason: "_update_by_query changed documents whose ids the log does not name")])
        // Run as a task: the answer does not say what changed.
        #expect(
            Exchanges.plan(
                "POST", "/books/_update_by_query?wait_for_completion=false", body: "{}", status: 200, response: #"{"task":"n1:42"}"#
            )
            .count == 1)
        #expect(
            Exchanges.plan("POST", "/missing/_delete_by_query", body: "{}", status: 404, response: #"{"error":"index_not_found"}"#).isEmpty)
    }

    @Test func readsAreIgnoredAndUnknownWritesReported() {
        #expect(Exchanges.plan("POST", "/books/_search", body: #"{"query":{"match_all":{}}}"#, status: 200, response: "{}").isEmpty)
        let actions = Exchanges.plan("PUT", "/_cluster/settings", body: "{}", status: 200, response: acknowledged)
        #expect(actions == [.unsupported("PUT /_cluster/settings (status 200) is a request the replay does not know how to repeat")])
        #expect(Exchanges.plan("POST", "/_reindex", body: "{}", status: 400, response: "{}").isEmpty)
    }
}
