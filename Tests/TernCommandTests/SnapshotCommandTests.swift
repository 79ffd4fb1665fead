import Foundation
import TernCore
import TernTestSupport
import Testing

/// `tern snapshot` and `tern lucene` end to end: the built binary on real Elasticsearch repositories and on an index
/// written by real Lucene.
@Suite struct SnapshotCommandTests {
    static let snapshots = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures/snapshots")

    static func repository(_ name: String) -> String { snapshots.appendingPathComponent(name).path }

    @Test func listsSnapshots() async throws {
        let table = try await TernBinary.run(["snapshot", "list", Self.repository("ES_7_10_Single")])
        #expect(table.status == 0)
        #expect(table.stdout.contains("global_state_snapshot  SUCCESS   7.10.2   2: posts_2023_02_25, posts_2024_01_01"))
        let json = try await TernBinary.run(["snapshot", "list", "--json", Self.repository("ES_5_6_Updates_Deletes")])
        let rows = try #require(try JSONValue.parse(Array(json.stdout.utf8)).arrayValue, "\(json.stdout)")
        #expect(rows.first?["name"]?.stringValue == "rfs_snapshot")
    }

    @Test func printsDocumentsAsNDJSONAndCountsThem() async throws {
        let result = try await TernBinary.run(["snapshot", "docs", Self.repository("ES_6_8_Single"), "global_state_snapshot"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        let documents = try lines.map { try #require(try JSONValue.parse(Array($0.utf8)).objectValue, "\($0)") }
        #expect(
            Set(documents.compactMap { $0["_id"]?.stringValue }) == [
                "AE0-Zo4B7T-RS_C5iG5e", "AU0_Zo4B7T-RS_C5JW5A", "Ak0_Zo4B7T-RS_C58m7a", "A01AZo4B7T-RS_C5Am6z",
            ])
        #expect(documents.filter { $0["_routing"]?.stringValue == "user123" }.count == 3)
        #expect(documents.allSatisfy { $0["_source"]?.objectValue != nil })

        let count = try await TernBinary.run([
            "snapshot", "docs", "--count", "--index", "posts_2024_01_01", Self.repository("ES_6_8_Single"), "global_state_snapshot",
        ])
        #expect(count.stdout == "posts_2024_01_01\t3\n")
    }

    @Test func showsMetadata() async throws {
        let result = try await TernBinary.run([
            "snapshot", "show", Self.repository("ES_7_10_Single"), "global_state_snapshot", "--index", "posts_2024_01_01",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONValue.parse(Array(result.stdout.utf8))
        #expect(json["shards"]?.intValue == 1)
        #expect(json["metadata"]?["mappings"] != nil)
        let whole = try await TernBinary.run(["snapshot", "show", Self.repository("ES_7_10_Single"), "global_state_snapshot"])
        #expect(whole.stdout.contains("posts_index_template"))
    }

    @Test func badInputExitsWithOneSentence() async throws {
        let notRepository = try await TernBinary.run(["snapshot", "list", "/tmp"])
        #expect(notRepository.status == 2)
        #expect(
            notRepository.stderr
                == "error: /tmp is not a snapshot repository: it has no index-N file. Give the repository's root (the path.repo location, or the bucket and base_path registered with the cluster).\n"
        )
        let noSnapshot = try await TernBinary.run(["snapshot", "docs", Self.repository("ES_6_8_Single"), "nightly"])
        #expect(noSnapshot.status == 2)
        #expect(noSnapshot.stderr.contains("No snapshot 'nightly'"))

        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("tern-cli-damaged-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.snapshots.appendingPathComponent("ES_7_10_Single"), to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        _ = try Process.run(URL(fileURLWithPath: "/bin/chmod"), arguments: ["-R", "u+w", copy.path]).waitUntilExit()
        let shardFolder = try #require(
            FileManager.default.enumerator(atPath: copy.path)?.compactMap { $0 as? String }.first { $0.hasSuffix("/0") })
        let blobs = try FileManager.default.contentsOfDirectory(atPath: copy.appendingPathComponent(shardFolder).path).filter {
            $0.hasPrefix("__")
        }
        let victim = try #require(
            blobs.max { lhs, rhs in
                let size = { (name: String) in
                    (try? FileManager.default.attributesOfItem(atPath: copy.appendingPathComponent("\(shardFolder)/\(name)").path)[.size]
                        as? Int) ?? 0
                }
                return size(lhs) < size(rhs)
            })
        try FileManager.default.removeItem(at: copy.appendingPathComponent("\(shardFolder)/\(victim)"))
        let damaged = try await TernBinary.run(["snapshot", "docs", copy.path, "global_state_snapshot"])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.hasPrefix("error: "))
        #expect(damaged.stderr.contains("(blob \(victim) of shard 0 of index"))
        #expect(damaged.stderr.contains("is missing"))
        #expect(!damaged.stderr.contains("Fatal error"))
    }

    @Test func rescuesDocumentsFromALuceneFolder() async throws {
        let index = try LuceneFixtures.index("soft-deletes")
        let expected = try index.expectedDocuments()
        let result = try await TernBinary.run(["lucene", "docs", index.folder.path, "--index-name", "rescued"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == expected.count)
        var found: [String: JSONValue] = [:]
        for line in lines {
            let document = try JSONValue.parse(Array(line.utf8))
            #expect(document["_index"]?.stringValue == "rescued")
            let source = try #require(document["_source"], "\(line)")
            found[try #require(document["_id"]?.stringValue, "\(line)")] = source
        }
        for document in expected {
            #expect(found[document.id] == (try JSONValue.parse(Array(document.source.utf8))), "\(document.id)")
        }
        let count = try await TernBinary.run(["lucene", "docs", "--count", index.folder.path, "--index-name", "rescued"])
        #expect(count.stdout == "rescued\t\(expected.count)\n")
        let notIndex = try await TernBinary.run(["lucene", "docs", "/tmp"])
        #expect(notIndex.status == 2)
        #expect(
            notIndex.stderr
                == "error: /tmp holds no Lucene commit (no segments_N file); give the folder of a Lucene index, such as <data>/nodes/0/indices/<index-uuid>/0/index.\n"
        )
    }
}
