import Foundation
import Testing

@testable import Capture

@Suite struct ReplayPlanServerSideTests {
    private let reindex = #"{"source":{"index":"books"},"dest":{"index":"books-copy","op_type":"create"}}"#

    @Test func aReindexMarksItsDestinationForRepairWhenItWroteSomething() {
        let answer =
            #"{"took":80,"timed_out":false,"total":3,"updated":1,"created":2,"deleted":0,"batches":1,"version_conflicts":0,"noops":0,"failures":[]}"#
        let repair: [ReplayAction] = [.repair(indices: ["books-copy"], reason: "_reindex wrote documents whose ids the log does not name")]
        #expect(Exchanges.plan("POST", "/_reindex?refresh=true", body: reindex, status: 200, response: answer) == repair)
        // Run as a task, or no answer: what it wrote is unknown.
        #expect(
            Exchanges.plan("POST", "/_reindex?wait_for_completion=false", body: reindex, status: 200, response: #"{"task":"n:1"}"#)
                == repair)
        #expect(Exchanges.plan("POST", "/_reindex", body: reindex, status: 0) == repair)
        let nothing = answer.replacingOccurrences(of: #""updated":1,"created":2"#, with: #""updated":0,"created":0"#)
        #expect(Exchanges.plan("POST", "/_reindex", body: reindex, status: 200, response: nothing).isEmpty)
        #expect(Exchanges.plan("POST", "/_reindex", body: reindex, status: 400, response: #"{"error":"x"}"#).isEmpty)
    }

    @Test func aReindexWhoseDestinationCannotBeReadIsReported() {
        let actions = Exchanges.plan("POST", "/_reindex", body: "{bad", status: 200, response: #"{"created":1,"updated":0,"deleted":0}"#)
        guard case .unsupported(let text) = actions.first, actions.count == 1 else {
            Issue.record("expected one unsupported action, got \(actions)")
            return
        }
        #expect(text.hasPrefix("POST /_reindex (status 200) wrote documents to an index its body does not name readably"))
    }

    @Test func aRolloverIsReportedWithTheIndexItCreated() {
        let answer =
            #"{"acknowledged":true,"shards_acknowledged":true,"old_index":"logs-000001","new_index":"logs-000002","rolled_over":true,"dry_run":false,"conditions":{"[max_docs: 1]":true}}"#
        #expect(
            Exchanges.plan("POST", "/logs/_rollover", body: #"{"conditions":{"max_docs":1}}"#, status: 200, response: answer) == [
                .unsupported(
                    "POST /logs/_rollover rolled alias logs over from logs-000001 to logs-000002 on the source, which the replay does not "
                        + "repeat; create logs-000002 on the target as on the source and point logs at it")
            ])
        let notYet = answer.replacingOccurrences(of: #""rolled_over":true"#, with: #""rolled_over":false"#)
        #expect(Exchanges.plan("POST", "/logs/_rollover", body: "{}", status: 200, response: notYet).isEmpty)
        let dryRun = answer.replacingOccurrences(of: #""dry_run":false"#, with: #""dry_run":true"#)
        #expect(Exchanges.plan("POST", "/logs/_rollover?dry_run=true", body: "{}", status: 200, response: dryRun).isEmpty)
        #expect(Exchanges.plan("POST", "/logs/_rollover", body: "{}", status: 400, response: #"{"error":"x"}"#).isEmpty)
        guard case .unsupported(let unknown) = Exchanges.plan("POST", "/logs/_rollover", body: "{}", status: 504).first else {
            Issue.record("an unanswered rollover must be reported")
            return
        }
        #expect(unknown.contains("whether alias logs rolled over to a new index is unknown"))
    }
}
