import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

@testable import Replication

/// `tern ccr` against recorded exchanges (osmem has no replication plugin and no transport layer), built from the
/// plugin's documentation; every request is checked against the OpenSearch API specification.
@Suite struct ReplicationRecordedTests {
    typealias Exchange = RecordedExchangeServer.Exchange

    static func root(_ version: String, name: String) -> String {
        #"{"name":"\#(name)","cluster_name":"\#(name)","cluster_uuid":"u-\#(name)","version":{"distribution":"opensearch","number":"\#(version)","build_type":"tar","lucene_version":"9.12.1","minimum_wire_compatibility_version":"7.10.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#
    }

    static func plugins(_ version: String) -> String {
        #"{"_nodes":{"total":2,"successful":2,"failed":0},"cluster_name":"c","nodes":{"n1":{"name":"node-1","version":"\#(version)","roles":["data","cluster_manager","remote_cluster_client"],"plugins":[{"name":"opensearch-cross-cluster-replication","version":"\#(version).0"}]},"n2":{"name":"node-2","version":"\#(version)","roles":["data","remote_cluster_client"],"plugins":[{"name":"opensearch-cross-cluster-replication","version":"\#(version).0"}]}}}"#
    }

    static let catIndices =
        #"[{"health":"green","status":"open","index":"logs","uuid":"a1","pri":"1","rep":"0","docs.count":"1200","docs.deleted":"0","store.size":"90000","pri.store.size":"90000"}]"#

    static let sourceExchanges = [
        Exchange("GET", "/", body: root("2.11.1", name: "old"), times: 0),
        Exchange("GET", "/_nodes/plugins", body: plugins("2.11.1"), times: 0),
        Exchange("GET", "/_cat/indices?format=json&bytes=b&expand_wildcards=all", body: catIndices, times: 0),
        Exchange(
            "GET", "/_all/_settings/index.version.created?flat_settings=true&expand_wildcards=all",
            body: #"{"logs":{"settings":{"index.version.created":"136327927"}}}"#, times: 0),
        Exchange(
            "GET", "/logs/_settings?include_defaults=true&flat_settings=true",
            body:
                #"{"logs":{"settings":{"index.number_of_shards":"1","index.version.created":"136327927"},"defaults":{"index.soft_deletes.enabled":"true"}}}"#,
            times: 0),
        Exchange(
            "GET", "/_nodes/transport",
            body:
                #"{"_nodes":{"total":2,"successful":2,"failed":0},"cluster_name":"old","nodes":{"n1":{"name":"node-1","transport":{"bound_address":["0.0.0.0:9300"],"publish_address":"10.0.0.1:9300"}},"n2":{"name":"node-2","transport":{"bound_address":["0.0.0.0:9300"],"publish_address":"10.0.0.2:9300"}}}}"#,
            times: 0),
    ]

    static let notFollowed =
        #"{"error":{"root_cause":[{"type":"resource_not_found_exception","reason":"No replication in progress for index:logs-v2"}],"type":"resource_not_found_exception","reason":"No replication in progress for index:logs-v2"},"status":404}"#

    func runner(_ source: RecordedExchangeServer, _ target: RecordedExchangeServer) -> ReplicationRunner {
        ReplicationRunner(
            source: source.configuration(role: "source"), target: target.configuration(role: "target"),
            options: ReplicationRunner.Options(selection: IndexSelection(renames: [(from: "logs", to: "logs-v2")])),
            logger: Logger(label: "test"))
    }

    @Test func planStartStatusAndStopAgainstRecordedExchanges() async throws {
        let source = try RecordedExchangeServer(Self.sourceExchanges)
        defer { source.stop() }
        let target = try RecordedExchangeServer([
            Exchange("GET", "/", body: Self.root("2.19.1", name: "new"), times: 0),
            Exchange("GET", "/_nodes/plugins", body: Self.plugins("2.19.1"), times: 0),
            // Before start: no index; after: the follower the plugin made.
            Exchange("GET", "/_cat/indices?format=json&bytes=b&expand_wildcards=all", body: "[]", times: 2),
            Exchange(
                "GET", "/_cat/indices?format=json&bytes=b&expand_wildcards=all",
                body: Self.catIndices.replacingOccurrences(of: "\"logs\"", with: "\"logs-v2\""),
                times: 0),
            Exchange("GET", "/_all/_settings/index.version.created?flat_settings=true&expand_wildcards=all", body: "{}", times: 0),
            Exchange(
                "PUT", "/_cluster/settings", body: #"{"acknowledged":true,"persistent":{},"transient":{}}"#,
                expect:
                    #"{"persistent":{"cluster.remote.tern-source.mode":"sniff","cluster.remote.tern-source.seeds":["10.0.0.1:9300","10.0.0.2:9300"]}}"#
            ),
            Exchange(
                "PUT", "/_plugins/_replication/logs-v2/_start", body: #"{"acknowledged":true}"#,
                expect: #"{"leader_alias":"tern-source","leader_index":"logs"}"#),
            Exchange(
                "GET", "/_plugins/_replication/logs-v2/_status",
                body:
                    #"{"status":"SYNCING","reason":"User initiated","leader_alias":"tern-source","leader_index":"logs","follower_index":"logs-v2","syncing_details":{"leader_checkpoint":1199,"follower_checkpoint":1150,"seq_no":1150}}"#,
                times: 2),
            Exchange("POST", "/_plugins/_replication/logs-v2/_stop", body: #"{"acknowledged":true}"#),
            Exchange("GET", "/_plugins/_replication/logs-v2/_status", status: 404, body: Self.notFollowed, times: 0),
            Exchange(
                "PUT", "/_cluster/settings", body: #"{"acknowledged":true,"persistent":{},"transient":{}}"#,
                expect:
                    #"{"persistent":{"cluster.remote.tern-source.mode":null,"cluster.remote.tern-source.seeds":null,"cluster.remote.tern-source.proxy_address":null}}"#
            ),
        ])
        defer { target.stop() }
        let runner = runner(source, target)

        let plan = try await runner.plan()
        #expect(plan.ready, "\(plan)")
        #expect(plan.indices.map(\.follower) == ["logs-v2"])

        let started = try await runner.start()
        #expect(started.started == ["logs-v2"])
        #expect(started.connection == ["10.0.0.1:9300", "10.0.0.2:9300"])

        let statuses = try await runner.status()
        #expect(statuses.count == 1 && statuses[0].status == "SYNCING" && statuses[0].lag == 49)

        #expect(try await runner.stop() == ["logs-v2"])
        let after = try await runner.status()
        #expect(after.first?.isReplicating == false)
        #expect(try await runner.stop() == [], "stopping again does nothing")
        try await runner.disconnect()

        let unexpected = try target.unexpected() + source.unexpected()
        #expect(unexpected.isEmpty, "\(unexpected)")
    }

    @Test func startRefusesWhileThePlanListsAReasonAndChangesNothingAgainstRecordedExchanges() async throws {
        let source = try RecordedExchangeServer(Self.sourceExchanges)
        defer { source.stop() }
        let target = try RecordedExchangeServer([
            // An older target, without the plugin on one node.
            Exchange("GET", "/", body: Self.root("2.9.0", name: "new"), times: 0),
            Exchange(
                "GET", "/_nodes/plugins",
                body: Self.plugins("2.9.0").replacingOccurrences(
                    of:
                        #""roles":["data","remote_cluster_client"],"plugins":[{"name":"opensearch-cross-cluster-replication","version":"2.9.0.0"}]"#,
                    with: #""roles":["data"],"plugins":[]"#), times: 0),
            Exchange("GET", "/_cat/indices?format=json&bytes=b&expand_wildcards=all", body: "[]", times: 0),
            Exchange("GET", "/_all/_settings/index.version.created?flat_settings=true&expand_wildcards=all", body: "{}", times: 0),
        ])
        defer { target.stop() }
        await #expect {
            _ = try await runner(source, target).start()
        } throws: { error in
            guard let error = error as? TernError else { return false }
            return error.message.contains("older than the source") && error.message.contains("1 of the target's 2 nodes")
                && error.exitCode == .failure
        }
        #expect(try target.requests().allSatisfy { $0.method == "GET" })
        #expect(try target.unexpected().isEmpty)
    }

    @Test func theDrainWaitsForEveryFollowerThenStopsThemAgainstRecordedExchanges() async throws {
        let source = try RecordedExchangeServer(Self.sourceExchanges)
        defer { source.stop() }
        func syncing(_ follower: Int64) -> String {
            #"{"status":"SYNCING","reason":"User initiated","leader_alias":"tern-source","leader_index":"logs","follower_index":"logs-v2","syncing_details":{"leader_checkpoint":1199,"follower_checkpoint":\#(follower),"seq_no":\#(follower)}}"#
        }
        let target = try RecordedExchangeServer([
            Exchange("GET", "/", body: Self.root("2.19.1", name: "new"), times: 0),
            Exchange("GET", "/_plugins/_replication/logs-v2/_status", body: syncing(1150)),
            Exchange("GET", "/_plugins/_replication/logs-v2/_status", body: syncing(1199)),
            Exchange("POST", "/_plugins/_replication/logs-v2/_stop", body: #"{"acknowledged":true}"#),
        ])
        defer { target.stop() }
        let stopped = try await runner(source, target).catchUpAndStop(timeout: .seconds(30), poll: .milliseconds(10))
        #expect(stopped == ["logs-v2"])
        #expect(try target.requests("POST", "/_plugins/_replication/logs-v2/_stop").count == 1)
        let unexpected = try target.unexpected() + source.unexpected()
        #expect(unexpected.isEmpty, "\(unexpected)")
    }

    @Test func aFollowerThatDoesNotCatchUpFailsTheDrainAfterItsTimeoutAgainstRecordedExchanges() async throws {
        let source = try RecordedExchangeServer(Self.sourceExchanges)
        defer { source.stop() }
        let target = try RecordedExchangeServer([
            Exchange(
                "GET", "/_plugins/_replication/logs-v2/_status",
                body:
                    #"{"status":"SYNCING","leader_alias":"tern-source","leader_index":"logs","follower_index":"logs-v2","syncing_details":{"leader_checkpoint":1199,"follower_checkpoint":900,"seq_no":900}}"#,
                times: 0)
        ])
        defer { target.stop() }
        await #expect {
            _ = try await runner(source, target).catchUpAndStop(timeout: .milliseconds(200), poll: .milliseconds(20))
        } throws: { error in
            (error as? TernError)?.message.contains("logs-v2 299 operations") == true
        }
        #expect(try target.requests().allSatisfy { $0.method == "GET" }, "nothing is stopped while a follower lags")
    }
}
