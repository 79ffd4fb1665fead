import Backfill
import Foundation
import TernTestSupport
import Testing

/// `tern backfill` end to end: the built binary between real osmem clusters, compared document by document.
@Suite(.serialized) struct BackfillCommandTests {
    /// Sources that exercise routing, nested objects, unicode, a 1 MB document and an empty index.
    static func seedVariety(_ server: OsmemServer) async throws {
        try await server.createIndex("orders", body: #"{"settings":{"number_of_shards":3}}"#)
        try await server.seed(
            index: "orders",
            documents: (1...600).map {
                OsmemServer.SeedDocument(
                    id: "order-\($0)",
                    source:
                        #"{"n":\#($0),"customer":{"name":"Ærøskøbing \#($0) 🐦","tags":["a","b"]},"lines":[{"sku":"x","qty":\#($0 % 7)}]}"#,
                    routing: "c\($0 % 13)")
            })
        try await server.createIndex("logs")
        try await server.seed(
            index: "logs",
            documents: (1...400).map {
                OsmemServer.SeedDocument(id: "\($0)", source: #"{"msg":"line \#($0)\nwith a newline","level":"info"}"#)
            })
        let big = String(repeating: "0123456789", count: 100_000)
        try await server.createIndex("blobs")
        try await server.seed(index: "blobs", documents: [OsmemServer.SeedDocument(id: "big", source: #"{"payload":"\#(big)"}"#)])
        try await server.createIndex("empty")
    }

    /// Every document of every index is the same on both sides.
    static func expectSameDocuments(_ source: OsmemServer, _ target: OsmemServer, indices: [String], renamed: [String: String] = [:])
        async throws
    {
        for index in indices {
            let expected = try await source.documents(in: index)
            let actual = try await target.documents(in: renamed[index] ?? index)
            #expect(actual.count == expected.count, "\(index): \(actual.count) on the target, \(expected.count) on the source")
            for (id, document) in expected where actual[id] != document {
                Issue.record("\(index)/\(id) differs: \(actual[id].map(String.init(describing:))?.prefix(120) ?? "missing")")
            }
        }
    }

    @Test func copiesEveryDocumentAndResumesNothingTwice() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seedVariety(source)
                let state = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: state) }
                let arguments = [
                    "backfill", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--state-dir", state.path,
                    "--json",
                ]
                let first = try await TernBinary.run(arguments)
                #expect(first.status == 0, "\(first.stderr)")
                let report = try first.decode(BackfillReport.self)
                #expect(report.read == 1001)
                #expect(report.complete)
                try await Self.expectSameDocuments(source, target, indices: ["orders", "logs", "blobs", "empty"])
                // A second run copies again; external versions make the target keep what it has.
                let second = try await TernBinary.run(arguments)
                #expect(second.status == 0, "\(second.stderr)")
                #expect(try second.decode(BackfillReport.self).alreadyNewer == 1001)
            }
        }
    }

    @Test func survivesKill9AtRandomMoments() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("events", body: #"{"settings":{"number_of_shards":4}}"#)
                try await source.seed(
                    index: "events",
                    documents: (1...5000).map {
                        OsmemServer.SeedDocument(
                            id: "e\($0)", source: #"{"seq":\#($0),"text":"event number \#($0)"}"#, routing: "r\($0 % 5)")
                    })
                let state = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: state) }
                let arguments = [
                    "backfill", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--state-dir", state.path,
                    "--slices", "8", "--page-size", "100", "--concurrency", "2",
                ]
                var generator = SystemRandomNumberGenerator()
                var kills = 0
                for _ in 0..<4 {
                    let process = try TernBinary.start(arguments)
                    try await Task.sleep(for: .milliseconds(Int.random(in: 300...1200, using: &generator)))
                    if process.isRunning {
                        kill(process.processIdentifier, SIGKILL)
                        kills += 1
                    }
                    process.waitUntilExit()
                }
                #expect(kills > 0, "the copy finished before any kill; make it larger")
                let final = try await TernBinary.run(arguments + ["--json"])
                #expect(final.status == 0, "\(final.stderr)")
                #expect(try final.decode(BackfillReport.self).complete)
                try await Self.expectSameDocuments(source, target, indices: ["events"])
            }
        }
    }

    @Test(arguments: [
        ("ES_5_6_Updates_Deletes", "rfs_snapshot"), ("ES_6_8_Single", "global_state_snapshot"),
        ("ES_6_8_Updates_Deletes_Native", "rfs_snapshot"),
        ("ES_7_10_Single", "global_state_snapshot"), ("ES_7_10_Updates_Deletes_w_Soft", "rfs_snapshot"),
        ("ES_7_10_Updates_Deletes_wo_Soft", "rfs_snapshot"),
    ])
    func copiesEachSnapshotFixture(_ repository: String, _ snapshot: String) async throws {
        let fixtures = SnapshotCommandTests.snapshots.deletingLastPathComponent()
        let expectedData = try Data(contentsOf: fixtures.appendingPathComponent("snapshots-expected/\(repository).json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [String: [String: [String: Any]]])
        try await OsmemServer.with { target in
            let state = try TernBinary.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: state) }
            let result = try await TernBinary.run([
                "backfill", "--snapshot-repo", SnapshotCommandTests.repository(repository), "--snapshot", snapshot, "--target",
                target.url.absoluteString,
                "--state-dir", state.path,
            ])
            #expect(result.status == 0, "\(result.stderr)\(result.stdout)")
            for (index, entry) in try #require(expected[snapshot]) {
                let documents = try await target.documents(in: index)
                let wanted = (entry["docs"] as? [String: Any]) ?? [:]
                #expect(Set(documents.keys) == Set(wanted.keys), "\(repository) \(index)")
                for (id, source) in wanted {
                    #expect(documents[id]?.canonicalSource == (try OsmemServer.canonical(source)), "\(repository) \(index) \(id)")
                }
            }
        }
    }

    @Test func snapshotBackfillCreatesTargetIndicesWithTheSourceMappingsMadeTypeless() async throws {
        try await OsmemServer.with { target in
            let state = try TernBinary.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: state) }
            let result = try await TernBinary.run([
                "backfill", "--snapshot-repo", SnapshotCommandTests.repository("ES_5_6_Updates_Deletes"), "--snapshot", "rfs_snapshot",
                "--target", target.url.absoluteString, "--state-dir", state.path,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let answer = try await target.send(.GET, "/test_updates_deletes/_mapping")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any])
            let mappings = (json["test_updates_deletes"] as? [String: Any])?["mappings"] as? [String: Any]
            let properties = try #require(mappings?["properties"] as? [String: Any], "\(json)")
            // The two 5.x types (type1: title; type2: content, contents) become one set of properties.
            #expect((properties["title"] as? [String: Any])?["type"] as? String == "text")
            #expect((properties["contents"] as? [String: Any])?["type"] as? String == "text")
            #expect(((properties["content"] as? [String: Any])?["fields"] as? [String: Any])?["keyword"] != nil)
        }
    }

    @Test func losesNothingWhenTheTargetRejectsAndDropsConnections() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("metrics", body: #"{"settings":{"number_of_shards":2}}"#)
                try await source.seed(
                    index: "metrics", documents: (1...1500).map { OsmemServer.SeedDocument(id: "m\($0)", source: #"{"value":\#($0)}"#) })
                try await FaultProxy.with(
                    upstream: target.url, faults: FaultProxy.Faults(itemRejection: 0.3, drop: 0.1, wholeRejection: 0.05, seed: 7)
                ) { proxy in
                    let state = try TernBinary.temporaryFolder()
                    defer { try? FileManager.default.removeItem(at: state) }
                    let result = try await TernBinary.run([
                        "backfill", "--source", source.url.absoluteString, "--target", proxy.url.absoluteString, "--state-dir", state.path,
                        "--page-size", "200", "--json",
                    ])
                    #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
                    let stats = try await proxy.stats()
                    #expect(stats.itemsRejected > 0 && stats.dropsBefore + stats.dropsAfter > 0, "the proxy injected no faults: \(stats)")
                }
                try await Self.expectSameDocuments(source, target, indices: ["metrics"])
            }
        }
    }

    @Test func refusedDocumentsGoToTheDeadLetterFileAndTheRunFails() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("people", body: #"{"mappings":{"properties":{"age":{"type":"keyword"}}}}"#)
                try await source.seed(
                    index: "people",
                    documents: (1...50).map {
                        OsmemServer.SeedDocument(
                            id: "p\($0)",
                            source: $0 % 10 == 0 ? #"{"name":"n\#($0)","age":"not a number"}"# : #"{"name":"n\#($0)","age":\#($0)}"#)
                    })
                try await target.createIndex(
                    "people", body: #"{"mappings":{"properties":{"name":{"type":"keyword"},"age":{"type":"integer"}}}}"#)
                let state = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: state) }
                let result = try await TernBinary.run([
                    "backfill", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--state-dir", state.path,
                    "--json",
                ])
                #expect(result.status == 1)
                let report = try result.decode(BackfillReport.self)
                #expect(report.failed == 5)
                #expect(!report.complete)
                let deadLetter = try String(contentsOf: state.appendingPathComponent("dead-letter.ndjson"), encoding: .utf8)
                let lines = deadLetter.split(separator: "\n")
                #expect(lines.count == 5)
                #expect(lines.allSatisfy { $0.contains("not a number") && $0.contains("\"reason\"") })
                #expect(try await target.documents(in: "people").count == 45)
            }
        }
    }

    @Test func exportsAndImportsFiles() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seedVariety(source)
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let file = folder.appendingPathComponent("export.ndjson.gz").path
                let export = try await TernBinary.run([
                    "backfill", "--source", source.url.absoluteString, "--to-file", file, "--state-dir", folder.path,
                ])
                #expect(export.status == 0, "\(export.stderr)")
                let load = try await TernBinary.run([
                    "backfill", "--from-file", file, "--target", target.url.absoluteString, "--state-dir", folder.path, "--rename",
                    "orders:orders-copy", "--json",
                ])
                #expect(load.status == 0, "\(load.stderr)")
                // The import is checked per index the file names, like a copy from a cluster.
                let indices = try load.decode(BackfillReport.self).indices
                let orders = try #require(indices.first { $0.target == "orders-copy" })
                #expect(orders.read == 600 && orders.targetCount == 600 && orders.missing == 0)
                #expect(Set(indices.map(\.target)) == ["orders-copy", "logs", "blobs"])
                try await Self.expectSameDocuments(
                    source, target, indices: ["orders", "logs", "blobs"], renamed: ["orders": "orders-copy"])
            }
        }
    }

    @Test func badInvocationsAreUsageErrors() async throws {
        let both = try await TernBinary.run([
            "backfill", "--source", "http://127.0.0.1:9", "--from-file", "x.ndjson", "--target", "http://127.0.0.1:9",
        ])
        #expect(both.status == 2)
        #expect(both.stderr.contains("Give one source"))
        let missingFile = try await TernBinary.run(["backfill", "--from-file", "/nonexistent.ndjson", "--to-file", "/tmp/out.ndjson"])
        #expect(missingFile.status == 2)
        #expect(missingFile.stderr == "error: Cannot read /nonexistent.ndjson: the file does not exist or is not readable.\n")
        let port = try FaultyServer.closedPort()
        let unreachable = try await TernBinary.run([
            "backfill", "--source", "http://127.0.0.1:\(port)", "--to-file", "/tmp/out.ndjson", "--state-dir",
            NSTemporaryDirectory() + "tern-\(UUID().uuidString)",
        ])
        #expect(unreachable.status == 3)
        #expect(unreachable.stderr.contains("Connection refused by 127.0.0.1:\(port) (source cluster)"))
    }
}
