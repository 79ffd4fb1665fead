import Logging
import SearchClient
import TernTestSupport
import Testing

/// The checker every recorded and in-memory exchange goes through must itself refuse what OpenSearch refuses, or the
/// exchanges it passes prove nothing.
@Suite struct OpenSearchAPISpecificationTests {
    let spec = OpenSearchAPISpecification.shared

    @Test func knownOperationsWithTheirParametersPass() {
        #expect(spec.violations(method: "GET", target: "/_cluster/health?wait_for_status=green&timeout=30s") == [])
        #expect(spec.violations(method: "GET", target: "/_snapshot/backups/nightly-1/_status") == [])
        #expect(spec.violations(method: "GET", target: "/logs/_search?scroll=5m&filter_path=hits.hits._id") == [])
        #expect(spec.violations(method: "GET", target: "/_tasks/node-1%3A17") == [])
        #expect(
            spec.violations(
                method: "POST", target: "/_snapshot/backups/nightly-1/_restore?wait_for_completion=false",
                body: Array(
                    #"{"indices":"logs-*","include_global_state":false,"rename_pattern":"(.+)","rename_replacement":"restored-$1"}"#.utf8)
            ) == [])
    }

    @Test func anUnknownParameterIsRefusedAsOpenSearchDoes() {
        let found = spec.violations(method: "GET", target: "/_cluster/health?wait_for_nothing=true")
        #expect(found.count == 1)
        #expect(found.first?.contains("unrecognized parameter [wait_for_nothing]") == true)
    }

    @Test func aParameterOfTheWrongTypeIsRefused() {
        #expect(
            !spec.violations(method: "POST", target: "/_snapshot/r/s/_restore?wait_for_completion=maybe", body: Array("{}".utf8)).isEmpty)
        #expect(!spec.violations(method: "GET", target: "/_cluster/health?wait_for_status=purple").isEmpty)
    }

    @Test func anOpenDistroPathIsCheckedAsTheOperationThatSupersededIt() {
        #expect(spec.violations(method: "GET", target: "/_opendistro/_ism/policies/hot") == [])
        #expect(spec.violations(method: "GET", target: "/_opendistro/_ism/policies?nonsense=1").first?.contains("[nonsense]") == true)
        #expect(spec.violations(method: "DELETE", target: "/_opendistro/_ism/policies").first?.contains("no operation") == true)
    }

    @Test func theAlertingSupplementRefusesWhatThePluginsParserWouldNotRead() {
        let monitor =
            #"{"type":"monitor","name":"m","enabled":false,"schedule":{"period":{"interval":1,"unit":"MINUTES"}},"inputs":[],"triggers":[]}"#
        #expect(spec.violations(method: "POST", target: "/_plugins/_alerting/monitors", body: Array(monitor.utf8)) == [])
        #expect(spec.violations(method: "PUT", target: "/_plugins/_alerting/monitors/abc?refresh=true", body: Array(monitor.utf8)) == [])
        let stray = monitor.replacingOccurrences(of: #""name":"m""#, with: #""name":"m","_id":"abc""#)
        #expect(!spec.violations(method: "POST", target: "/_plugins/_alerting/monitors", body: Array(stray.utf8)).isEmpty)
        #expect(!spec.violations(method: "POST", target: "/_plugins/_alerting/monitors", body: Array(#"{"name":"m"}"#.utf8)).isEmpty)
        #expect(spec.violations(method: "GET", target: "/_opendistro/_alerting/destinations?size=1000") == [])
    }

    @Test func anUnknownPathOrMethodIsRefused() {
        #expect(spec.violations(method: "GET", target: "/_no_such_api/at/all").first?.contains("no operation") == true)
        #expect(spec.violations(method: "PATCH", target: "/_cluster/health").first?.contains("no operation") == true)
    }

    @Test func aBodyOfTheWrongShapeIsRefused() {
        let found = spec.violations(
            method: "POST", target: "/_snapshot/backups/nightly-1/_restore",
            body: Array(#"{"include_global_state":"no","indices":["a","b"]}"#.utf8))
        #expect(found.contains { $0.contains("body.include_global_state") }, "\(found)")
        #expect(!spec.violations(method: "POST", target: "/_snapshot/r/s/_restore", body: Array("not json".utf8)).isEmpty)
    }
}

/// A recorded server lists a request real OpenSearch would refuse as unexpected, even when its recording answers it, and
/// the test that sent it fails.
@Suite struct RecordedExchangeSpecificationTests {
    @Test func aRecordedAnswerToAnUnknownParameterStillFailsTheTest() async throws {
        // Without the issue the server records when it stops, this known issue would be missing and the test would fail.
        try await withKnownIssue {
            try await RecordedExchangeServer.with([.init("GET", "/_cluster/health?wait_for_nothing=true", body: #"{"status":"green"}"#)]) {
                server in
                try await SearchClient.withClient(server.configuration(role: "target"), logger: Logger(label: "test")) { client in
                    _ = try await client.getJSON("/_cluster/health", query: [("wait_for_nothing", "true")])
                }
                #expect(try server.unexpected().map(\.pathOnly) == ["/_cluster/health"])
                #expect(try server.specificationViolations().count == 1)
            }
        } matching: { issue in
            "\(issue)".contains("unrecognized parameter [wait_for_nothing]")
        }
    }

    @Test func aRequestTheSpecificationKnowsPasses() async throws {
        try await RecordedExchangeServer.with([.init("GET", "/_cluster/health?wait_for_status=yellow", body: #"{"status":"green"}"#)]) {
            server in
            try await SearchClient.withClient(server.configuration(role: "target"), logger: Logger(label: "test")) { client in
                _ = try await client.getJSON("/_cluster/health", query: [("wait_for_status", "yellow")])
            }
            #expect(try server.unexpected().isEmpty)
        }
    }
}

/// The in-memory transport checks every request too.
@Suite struct InMemoryTransportSpecificationTests {
    @Test func anInMemoryRequestWithAnUnknownParameterFailsTheTest() async throws {
        let transport = InMemoryTransport { _ in .json(200, #"{"status":"green"}"#) }
        try await withKnownIssue {
            _ = try await transport.client().send(.GET, "/_cluster/health", query: [("wait_for_nothing", "true")])
        } matching: { issue in
            "\(issue)".contains("unrecognized parameter [wait_for_nothing]")
        }
        #expect(transport.requests.map(\.target) == ["/_cluster/health?wait_for_nothing=true"])
    }
}

extension OpenSearchAPISpecificationTests {
    @Test func ndjsonBodiesAreAcceptedWhereTheOperationTakesThemAndBodiesRefusedWhereItTakesNone() {
        let bulk = Array("{\"index\":{\"_index\":\"a\",\"_id\":\"1\"}}\n{\"x\":1}\n".utf8)
        #expect(spec.violations(method: "POST", target: "/_bulk?refresh=false", body: bulk) == [])
        #expect(
            spec.violations(method: "GET", target: "/_cluster/health", body: Array("{}".utf8)).first?.contains("no request body") == true)
    }
}
