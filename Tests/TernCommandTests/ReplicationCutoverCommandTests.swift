import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

/// `tern cutover` with `migration.sync: ccr`, end to end: real osmem clusters hold the documents (the target's copy
/// stands for what the plugin's bootstrap made), and a test proxy in front of each answers the cross-cluster
/// replication plugin's API as the plugin would (osmem has no plugin and no transport layer); every replication request
/// Tern sends is checked against the OpenSearch API specification.
@Suite(.serialized) struct ReplicationCutoverCommandTests {
    /// Two clusters with the same 200 documents, each behind a proxy answering for the plugin, and a tern.yml naming
    /// the proxies with `sync: ccr`; `followers` is the target proxy's follower file.
    static func withFollowing<T>(
        followers: String, extraCutover: String = "", _ body: (_ folder: URL, _ source: OsmemServer, _ logs: [URL]) async throws -> T
    ) async throws -> T {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await ReplayCommandTests.seedSource(source, count: 200)
                try await ReplayCommandTests.seedSource(target, count: 200)
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let sourceFile = folder.appendingPathComponent("source-followers.json")
                let targetFile = folder.appendingPathComponent("target-followers.json")
                try #"{"followers":{}}"#.write(to: sourceFile, atomically: true, encoding: .utf8)
                try followers.write(to: targetFile, atomically: true, encoding: .utf8)
                let sourceProxy = try FaultProxy(upstream: source.url, replication: sourceFile)
                defer { sourceProxy.stop() }
                let targetProxy = try FaultProxy(upstream: target.url, replication: targetFile)
                defer { targetProxy.stop() }
                try """
                source:
                  endpoint: \(sourceProxy.url.absoluteString)
                target:
                  endpoint: \(targetProxy.url.absoluteString)
                migration:
                  indices: [orders]
                  sync: ccr
                cutover:
                  gate_sample: 0.5
                  hooks:
                    switch: ["echo clients-moved"]
                \(extraCutover)
                """.write(to: folder.appendingPathComponent("tern.yml"), atomically: true, encoding: .utf8)
                return try await body(
                    folder, source,
                    [sourceFile, targetFile].map { URL(fileURLWithPath: $0.path + ".requests.ndjson") })
            }
        }
    }

    /// Every logged replication request is one the specification accepts.
    static func expectValid(_ logs: [URL]) throws {
        for log in logs {
            let violations = try OpenSearchAPISpecification.shared.violations(inRequestLog: log)
            #expect(violations.isEmpty, "\(violations)")
        }
    }

    static func writeBlock(_ server: OsmemServer) async throws -> String? {
        try await SearchClient.withClient(server.configuration(role: "source"), logger: Logger(label: "test")) { client in
            try await client.getJSON("/orders/_settings", query: [("flat_settings", "true")])["orders"]?["settings"]?[
                "index.blocks.write"]?.stringValue
        }
    }

    @Test func aCutoverWaitsForTheLaggingFollowerStopsReplicationValidatesAndSwitches() async throws {
        try await Self.withFollowing(followers: #"{"followers":{"orders":{"behind":[3,3,1,0]}}}"#) { folder, source, logs in
            let result = try await TernBinary.run(["cutover", "--json", "--no-backfill-check"], in: folder)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let json = try JSONValue.parse(Array(result.stdout.utf8))
            let steps = json["operation"]?["steps"]?.arrayValue ?? []
            let drain = steps.first { $0["step"]?.stringValue == "drain" }?["detail"]?.stringValue ?? ""
            #expect(drain.contains("replication stopped on 1 indices"), "\(result.stdout)")
            let gates = json["gates"]?.arrayValue?.compactMap { $0["gate"]?.stringValue } ?? []
            #expect(gates.contains("replication") && !gates.contains("replay lag"), "\(gates)")
            #expect(try await Self.writeBlock(source) == "true")
            // tern status shows each follower: stopped by the cutover.
            let status = try await TernBinary.run(["status", "--json"], in: folder)
            let followers = (try? JSONValue.parse(Array(status.stdout.utf8)))?["replication"]?.arrayValue ?? []
            #expect(
                followers.map { $0["status"]?.stringValue } == ["REPLICATION NOT IN PROGRESS"], "\(status.stdout)\(status.stderr)")
            let requests = try String(contentsOf: logs[1], encoding: .utf8)
            #expect(requests.contains(#""method": "POST", "target": "/_plugins/_replication/orders/_stop""#), "\(requests)")
            try Self.expectValid(logs)
        }
    }

    @Test func aPausedFollowerKeepsTheCutoverFromStarting() async throws {
        try await Self.withFollowing(followers: #"{"followers":{"orders":{"paused":true}}}"#) { folder, source, logs in
            let result = try await TernBinary.run(["cutover", "--no-backfill-check"], in: folder)
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect((result.stdout + result.stderr).contains("orders paused"), "\(result.stdout)\(result.stderr)")
            #expect(try await Self.writeBlock(source) == nil, "nothing was changed")
            try Self.expectValid(logs)
        }
    }

    @Test func aFollowerThatNeverCatchesUpAbortsAndTheAbortSaysReplicationMayBeStopped() async throws {
        try await Self.withFollowing(followers: #"{"followers":{"orders":{"behind":[4]}}}"#, extraCutover: "  drain_timeout: 1s") {
            folder, source, logs in
            let result = try await TernBinary.run(["cutover", "--no-backfill-check"], in: folder)
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            let output = result.stdout + result.stderr
            #expect(output.contains("still behind") && output.contains("a stopped follower cannot resume"), "\(output)")
            #expect(try await Self.writeBlock(source) == nil, "the abort lifted the block")
            try Self.expectValid(logs)
        }
    }

    @Test func aCutoverWithReplicationKilledInEachStepFinishesWhenRunAgain() async throws {
        for step in ["preconditions", "hold-writes", "block-source", "drain", "validate", "switch-clients", "switch-monitors"] {
            try await Self.withFollowing(followers: #"{"followers":{"orders":{"behind":[2,0]}}}"#) { folder, source, logs in
                let killed = try await TernBinary.run(
                    ["cutover", "--no-backfill-check"], in: folder, environment: ["TERN_TEST_CRASH_AT": "cutover.\(step)"])
                #expect(killed.status == SIGKILL, "killed in \(step): \(killed.stdout)\(killed.stderr)")
                let resumed = try await TernBinary.run(["cutover", "--json", "--no-backfill-check"], in: folder)
                #expect(resumed.status == 0, "resumed after \(step): \(resumed.stdout)\(resumed.stderr)")
                #expect(try await Self.writeBlock(source) == "true", "after \(step)")
                // The follower was stopped once, whichever attempt stopped it.
                let requests = try String(contentsOf: logs[1], encoding: .utf8)
                #expect(requests.components(separatedBy: "/_plugins/_replication/orders/_stop").count - 1 == 1, "after \(step)")
                try Self.expectValid(logs)
            }
        }
    }
}
