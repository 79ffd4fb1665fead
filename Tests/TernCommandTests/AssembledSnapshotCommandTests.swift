import Foundation
import TernCore
import TernTestSupport
import Testing

/// `tern snapshot` and `tern backfill --snapshot-repo` on repositories assembled in the shapes of servers that cannot run
/// here (OpenSearch 2.17/3.1 with hashed shard paths, Elasticsearch 8/9), around segments written by real Lucene 9.9 and 10.4
/// the way those servers write them.
@Suite struct AssembledSnapshotCommandTests {
    /// The shard every index of these repositories holds: segments shaped like the layout's server's, written by its Lucene.
    static func shard(_ layout: AssembledRepository.Layout) throws -> LuceneFixtures.Index {
        try LuceneFixtures.index(layout.serverMode, lucene: layout.lucene)
    }

    /// `logs` (stored source), `metrics` (logsdb: synthetic source) and `audit` (filtered source).
    static func assembleWithSourceModes(_ layout: AssembledRepository.Layout) throws -> AssembledRepository {
        let folder = try shard(layout).folder
        return try AssembledRepository.assemble(
            layout,
            indices: [
                AssembledRepository.Index(name: "logs", shards: [folder]),
                AssembledRepository.Index(name: "metrics", shards: [folder], settings: ["index.mode": .string("logsdb")]),
                AssembledRepository.Index(
                    name: "audit", shards: [folder],
                    mapping: .object(["_source": .object(["excludes": .array([.string("secret.*")])])])),
            ])
    }

    @Test("list, docs and --count read every document (assembled Elasticsearch 8.15 layout)")
    func listsAndReadsDocuments() async throws {
        let assembled = try AssembledRepository.assemble(
            .elasticsearch8, indices: [.init(name: "logs", shards: [try Self.shard(.elasticsearch8).folder])])
        defer { assembled.remove() }
        let expected = try Self.shard(.elasticsearch8).expectedDocuments()
        let list = try await TernBinary.run(["snapshot", "list", assembled.root.path])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("nightly   SUCCESS   8.11+ (8512000)  1: logs"), "\(list.stdout)")
        let docs = try await TernBinary.run(["snapshot", "docs", assembled.root.path, "nightly"])
        #expect(docs.status == 0, "\(docs.stderr)")
        var found: [String: JSONValue] = [:]
        for line in docs.stdout.split(separator: "\n") {
            let document = try JSONValue.parse(Array(line.utf8))
            found[try #require(document["_id"]?.stringValue)] = document["_source"]
        }
        #expect(found.count == expected.count)
        for document in expected {
            #expect(found[document.id] == (try JSONValue.parse(Array(document.source.utf8))), "\(document.id)")
        }
        let count = try await TernBinary.run(["snapshot", "docs", "--count", assembled.root.path, "nightly"])
        #expect(count.stdout == "logs\t\(expected.count)\n")
    }

    @Test(
        "show reports each index's _source; docs refuses synthetic source with exit 2 and warns on filtered (assembled Elasticsearch 8.15 layout)"
    )
    func sourceModesThroughTheBinary() async throws {
        let assembled = try Self.assembleWithSourceModes(.elasticsearch8)
        defer { assembled.remove() }
        let show = try await TernBinary.run(["snapshot", "show", assembled.root.path, "nightly"])
        #expect(show.status == 0, "\(show.stderr)")
        let json = try JSONValue.parse(Array(show.stdout.utf8))
        let modes = Dictionary(
            uniqueKeysWithValues: (json["indices"]?.arrayValue ?? []).compactMap { entry in
                entry["name"]?.stringValue.map { ($0, entry["source"] ?? .null) }
            })
        #expect(modes["logs"] == .object(["mode": .string("stored"), "readable": .bool(true)]))
        #expect(modes["metrics"]?["mode"] == .string("synthetic") && modes["metrics"]?["readable"] == .bool(false))
        #expect(modes["metrics"]?["reason"] == .string("index.mode: logsdb"))
        #expect(modes["audit"]?["excludes"] == .array([.string("secret.*")]))
        #expect(
            show.stderr.contains("warning: Index metrics in snapshot nightly has synthetic _source (index.mode: logsdb)"), "\(show.stderr)")
        #expect(show.stderr.contains("warning: index audit in snapshot nightly stores a filtered _source (without secret.*)"))

        let refused = try await TernBinary.run(["snapshot", "docs", assembled.root.path, "nightly"])
        #expect(refused.status == 2)
        #expect(refused.stdout.isEmpty)
        #expect(
            refused.stderr
                == "error: Index metrics in snapshot nightly has synthetic _source (index.mode: logsdb): the cluster rebuilds each document on read and the snapshot holds no _source to copy; copy it live with tern backfill --source URL --index metrics, which reads what the cluster reconstructs, or leave it out (--exclude metrics for backfill, --index for the others with snapshot docs).\n"
        )

        let filtered = try await TernBinary.run(["snapshot", "docs", "--count", "--index", "audit", assembled.root.path, "nightly"])
        #expect(filtered.status == 0, "\(filtered.stderr)")
        #expect(filtered.stdout == "audit\t\(try Self.shard(.elasticsearch8).expectedDocuments().count)\n")
        #expect(filtered.stderr.hasPrefix("warning: index audit in snapshot nightly stores a filtered _source (without secret.*)"))
    }

    @Test(
        "backfill --snapshot-repo copies every document and refuses synthetic source until excluded (assembled OpenSearch 2.17 hashed prefix, OpenSearch 3.1 hashed infix, Elasticsearch 8.15 and 9.0 layouts)",
        arguments: [
            AssembledRepository.Layout.openSearch217HashedPrefix, .openSearch3HashedInfix, .elasticsearch8, .elasticsearch9,
        ])
    func backfillFromAssembledRepository(_ layout: AssembledRepository.Layout) async throws {
        let assembled = try Self.assembleWithSourceModes(layout)
        defer { assembled.remove() }
        let expected = try Self.shard(layout).expectedDocuments()
        try await OsmemServer.with { target in
            let state = try TernBinary.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: state) }
            let arguments = [
                "backfill", "--snapshot-repo", assembled.root.path, "--snapshot", "nightly", "--target", target.url.absoluteString,
                "--state-dir", state.path,
            ]
            let refused = try await TernBinary.run(arguments)
            #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
            #expect(
                refused.stderr.contains("Index metrics in snapshot nightly has synthetic _source (index.mode: logsdb)"), "\(refused.stderr)"
            )

            let copied = try await TernBinary.run(arguments + ["--exclude", "metrics"])
            #expect(copied.status == 0, "\(copied.stderr)\(copied.stdout)")
            #expect(copied.stderr.contains("stores a filtered _source (without secret.*)"), "\(copied.stderr)")
            for index in ["logs", "audit"] {
                let documents = try await target.documents(in: index)
                #expect(documents.count == expected.count, "\(index)")
                for document in expected {
                    let source = try JSONSerialization.jsonObject(with: Data(document.source.utf8))
                    #expect(documents[document.id]?.canonicalSource == (try OsmemServer.canonical(source)), "\(index) \(document.id)")
                    #expect(documents[document.id]?.routing == document.routing, "\(index) \(document.id)")
                }
            }
        }
    }

    @Test("a shallow-copy snapshot exits 2 with what to do (assembled OpenSearch 3.1 layout)")
    func shallowCopy() async throws {
        var layout = AssembledRepository.Layout.openSearch3
        layout.shallowCopy = true
        let assembled = try AssembledRepository.assemble(layout, indices: [.init(name: "logs", shards: [try Self.shard(layout).folder])])
        defer { assembled.remove() }
        let result = try await TernBinary.run(["snapshot", "docs", assembled.root.path, "nightly"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: Index logs in snapshot nightly is an OpenSearch shallow copy (remote-store snapshot)"))
        let show = try await TernBinary.run(["snapshot", "show", assembled.root.path, "nightly"])
        #expect(try JSONValue.parse(Array(show.stdout.utf8))["shallow_copy"] == .bool(true))
    }
}
