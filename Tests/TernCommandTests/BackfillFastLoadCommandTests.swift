import Backfill
import Foundation
import TernCore
import TernTestSupport
import Testing

/// `tern backfill --fast-load` and a target that goes away mid-run, with the built binary between real osmem clusters.
@Suite(.serialized) struct BackfillFastLoadCommandTests {
    /// The target index's own values of the two settings `--fast-load` changes (nil when unset).
    static func loadSettings(_ server: OsmemServer, _ index: String) async throws -> [String: String] {
        let bytes = try await server.send(
            .GET, "/\(index)/_settings/index.refresh_interval,index.number_of_replicas", query: [("flat_settings", "true")])
        let settings = try JSONValue.parse(bytes)[index]?["settings"]?.objectValue ?? [:]
        return settings.compactMapValues { if case .string(let value) = $0 { value } else { nil } }
    }

    static func seedEvents(_ source: OsmemServer, count: Int) async throws {
        try await source.createIndex("events", body: #"{"settings":{"number_of_shards":4}}"#)
        try await source.seed(
            index: "events",
            documents: (1...count).map { OsmemServer.SeedDocument(id: "e\($0)", source: #"{"seq":\#($0),"text":"event \#($0)"}"#) })
    }

    /// Polls until the target counts at least `count` documents in `index` (a hang guard of a minute).
    static func waitForDocuments(_ server: OsmemServer, _ index: String, atLeast count: Int) async throws {
        try await eventually("\(count) documents in \(index)", within: .seconds(60), every: .milliseconds(50)) {
            // Refresh first: documents only count once refreshed, and --fast-load turns periodic refreshes off.
            _ = try? await server.send(.POST, "/\(index)/_refresh")
            guard let bytes = try? await server.send(.GET, "/\(index)/_count") else { return false }
            return (try? JSONValue.parse(bytes))?["count"]?.intValue ?? 0 >= Int64(count)
        }
    }

    @Test func fastLoadRestoresTheOperatorsSettingsAfterTheRun() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seedEvents(source, count: 300)
                try await source.createIndex("notes")
                try await source.seed(
                    index: "notes", documents: (1...20).map { OsmemServer.SeedDocument(id: "n\($0)", source: #"{"n":\#($0)}"#) })
                // One target index with the operator's own values, one Tern creates (nothing set: restored to unset).
                try await target.createIndex("events", body: #"{"settings":{"index":{"refresh_interval":"7s","number_of_replicas":2}}}"#)
                let state = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: state) }
                let result = try await TernBinary.run([
                    "backfill", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--state-dir", state.path,
                    "--fast-load", "--json",
                ])
                #expect(result.status == 0, "\(result.stderr)")
                let report = try result.decode(BackfillReport.self)
                #expect(
                    Set(report.settingsRestored) == [
                        "events index.number_of_replicas", "events index.refresh_interval", "notes index.number_of_replicas",
                        "notes index.refresh_interval",
                    ])
                #expect(try await Self.loadSettings(target, "events") == ["index.refresh_interval": "7s", "index.number_of_replicas": "2"])
                #expect(try await Self.loadSettings(target, "notes")["index.refresh_interval"] == nil)
                try await BackfillCommandTests.expectSameDocuments(source, target, indices: ["events", "notes"])
            }
        }
    }

    @Test func aKilledFastLoadIsRestoredByTheNextRun() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seedEvents(source, count: 8000)
                try await target.createIndex("events", body: #"{"settings":{"index":{"refresh_interval":"3s","number_of_replicas":1}}}"#)
                let state = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: state) }
                let common = [
                    "backfill", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--state-dir", state.path,
                    "--page-size", "50", "--concurrency", "1",
                ]
                let process = try TernBinary.start(common + ["--fast-load"])
                try await Self.waitForDocuments(target, "events", atLeast: 100)
                // Killed at once: reading the settings first would give the copy time to finish and restore them.
                #expect(process.isRunning, "the copy finished before the kill; make it larger")
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let during = try await Self.loadSettings(target, "events")
                #expect(during == ["index.refresh_interval": "-1", "index.number_of_replicas": "0"])
                #expect(try await Self.loadSettings(target, "events")["index.refresh_interval"] == "-1", "the kill came too late")
                let status = try await TernBinary.run(["backfill", "status", "--state-dir", state.path])
                #expect(status.stdout.contains("--fast-load left index.refresh_interval of events"), "\(status.stdout)")
                #expect(status.stdout.contains("(was 3s)"), "\(status.stdout)")
                // The next run, even without --fast-load, first puts back what the killed one changed.
                let next = try await TernBinary.run(common + ["--json"])
                #expect(next.status == 0, "\(next.stderr)")
                #expect(try await Self.loadSettings(target, "events") == ["index.refresh_interval": "3s", "index.number_of_replicas": "1"])
                try await BackfillCommandTests.expectSameDocuments(source, target, indices: ["events"])
            }
        }
    }

    @Test func aTargetThatGoesAwayMidRunFailsClearlyAndTheNextRunResumes() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seedEvents(source, count: 4000)
                let proxy = try FaultProxy(upstream: target.url)
                defer { proxy.stop() }
                let state = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: state) }
                let arguments = [
                    "backfill", "--source", source.url.absoluteString, "--target", proxy.url.absoluteString, "--state-dir", state.path,
                    "--page-size", "100", "--concurrency", "1", "--slices", "4",
                ]
                let started = Date()
                let errors = state.appendingPathComponent("stderr.txt")
                let process = try TernBinary.start(arguments, stderr: errors)
                try await Self.waitForDocuments(target, "events", atLeast: 300)
                #expect(process.isRunning, "the copy finished before the target went away; make it larger")
                proxy.goDown()
                let exit = await Task.detached {
                    process.waitUntilExit()
                    return process.terminationStatus
                }.value
                #expect(exit == 3, "a target that resets every connection is exit code 3")
                #expect(Date().timeIntervalSince(started) < 60, "bounded retries, not a hang")
                let message = try String(contentsOf: errors, encoding: .utf8)
                // Whether the kernel reports a reset or an early close depends on timing; both name the target and what it did.
                #expect(
                    message.contains("target cluster")
                        && (message.contains("reset the connection") || message.contains("closed the connection")), "\(message)")
                #expect(!message.contains("Fatal error") && !message.contains("Stack"), "\(message)")
                // Once the target is back, the same command finishes the job.
                proxy.comeBack()
                let status = try await TernBinary.run(["backfill", "status", "--state-dir", state.path, "--json"])
                #expect(status.stdout.contains("\"running\""), "\(status.stdout)")
                let next = try await TernBinary.run(arguments + ["--json"])
                #expect(next.status == 0, "\(next.stderr)")
                let report = try next.decode(BackfillReport.self)
                #expect(report.resumed)
                #expect(report.complete)
                try await BackfillCommandTests.expectSameDocuments(source, target, indices: ["events"])
            }
        }
    }
}
