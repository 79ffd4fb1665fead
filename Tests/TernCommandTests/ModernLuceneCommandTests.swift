import Foundation
import TernCore
import TernTestSupport
import Testing

/// `tern lucene docs` end to end on an index written by real Lucene 10.4 under an Elasticsearch 9 codec name, with
/// Elasticsearch's stored fields (`_recovery_source` beside a filtered `_source`, `_ignored_source`), and
/// `tern backfill --lucene-dir` from a Lucene 10 index into a real server.
@Suite struct ModernLuceneCommandTests {
    @Test func printsEveryDocumentOfALucene10Index() async throws {
        let index = try LuceneFixtures.index("elasticsearch", lucene: .lucene104)
        let expected = try index.expectedDocuments()
        let result = try await TernBinary.run(["lucene", "docs", index.folder.path, "--index-name", "es9"])
        // One clear failure (tern's own sentence) rather than one per document when the command fails.
        try #require(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        try #require(lines.count == expected.count)
        var found: [String: (routing: String?, source: JSONValue)] = [:]
        for line in lines {
            let document = try JSONValue.parse(Array(line.utf8))
            #expect(document["_index"]?.stringValue == "es9")
            let id = try #require(document["_id"]?.stringValue, "\(line)")
            found[id] = (document["_routing"]?.stringValue, try #require(document["_source"], "\(line)"))
        }
        #expect(found.count == expected.count)
        for document in expected {
            let got = found[document.id]
            #expect(got?.source == (try JSONValue.parse(Array(document.source.utf8))), "\(document.id)")
            #expect(got?.routing == document.routing, "\(document.id)")
        }
        let count = try await TernBinary.run(["lucene", "docs", "--count", index.folder.path, "--index-name", "es9"])
        #expect(count.status == 0, "\(count.stderr)")
        #expect(count.stdout == "es9\t\(expected.count)\n")
    }

    @Test("backfill --lucene-dir copies every document of a many-segment Lucene 10 index into a real server")
    func backfillsALuceneFolder() async throws {
        let index = try LuceneFixtures.index("many-segments", lucene: .lucene104)
        let expected = try index.expectedDocuments()
        try await OsmemServer.with { target in
            let state = try TernBinary.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: state) }
            let copied = try await TernBinary.run([
                "backfill", "--lucene-dir", index.folder.path, "--index-name", "events", "--target", target.url.absoluteString,
                "--state-dir", state.path,
            ])
            try #require(copied.status == 0, "\(copied.stderr)\(copied.stdout)")
            let documents = try await target.documents(in: "events")
            #expect(documents.count == expected.count)
            var differing = 0
            for document in expected {
                let source = try JSONSerialization.jsonObject(with: Data(document.source.utf8))
                if documents[document.id]?.canonicalSource != (try OsmemServer.canonical(source))
                    || documents[document.id]?.routing != document.routing
                {
                    differing += 1
                }
            }
            #expect(differing == 0, "\(differing) documents differ from Lucene's")

            let empty = try TernBinary.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: empty) }
            let refused = try await TernBinary.run([
                "backfill", "--lucene-dir", empty.path, "--index-name", "events", "--target", target.url.absoluteString, "--state-dir",
                state.path + "-empty",
            ])
            #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("holds no Lucene commit (no segments_N file)"), "\(refused.stderr)")
        }
    }

    @Test("a bit-flipped zstd block of a Lucene 10 folder: exit 1 and one sentence naming the file, the folder and what to do")
    func damagedLuceneFolder() async throws {
        let index = try LuceneFixtures.index("elasticsearch-zstd", lucene: .lucene104)
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let damaged = folder.appendingPathComponent("index")
        try FileManager.default.copyItem(at: index.folder, to: damaged)
        // The segment that is not compound keeps its stored fields in a .fdt of its own.
        let fdt = try #require(try FileManager.default.contentsOfDirectory(atPath: damaged.path).first { $0.hasSuffix(".fdt") })
        var bytes = try Data(contentsOf: damaged.appendingPathComponent(fdt))
        bytes[bytes.count / 2] ^= 0x20
        try bytes.write(to: damaged.appendingPathComponent(fdt))
        for arguments in [["lucene", "docs", damaged.path], ["lucene", "docs", "--count", damaged.path]] {
            let result = try await TernBinary.run(arguments)
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("error: \(fdt) is corrupt at byte "), "\(result.stderr)")
            #expect(
                result.stderr.hasSuffix(
                    "; the index folder \(damaged.path) is damaged: read this shard from a snapshot or from another copy of it (a replica's folder).\n"
                ), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }
}
