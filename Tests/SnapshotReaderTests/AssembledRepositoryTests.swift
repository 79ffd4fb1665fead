import Foundation
import TernCore
import TernTestSupport
import Testing

@testable import SnapshotReader

/// Repositories in the shapes OpenSearch 2.x/3.x and Elasticsearch 8.x/9.x write, assembled by `AssembledRepository`
/// around segments written by real Lucene; every live document must come back exactly as Lucene reads it.
@Suite struct AssembledRepositoryTests {
    /// One document as compared: where it was read, and its bytes.
    struct Read: Hashable, Comparable {
        var index: String
        var id: String
        var routing: String?
        var source: String

        static func < (lhs: Read, rhs: Read) -> Bool {
            (lhs.index, lhs.id, lhs.routing ?? "", lhs.source) < (rhs.index, rhs.id, rhs.routing ?? "", rhs.source)
        }
    }

    /// Two indices around segments written by the layout's Lucene: `logs` with a shard shaped like the server's own
    /// segments (soft deletes included) and a hard-deletes shard, `events` with many segments in both stored-fields modes.
    static func shardModes(_ layout: AssembledRepository.Layout) -> [(index: String, modes: [String])] {
        [("logs", [layout.serverMode, "hard-deletes"]), ("events", ["many-segments"])]
    }

    static func indices(_ layout: AssembledRepository.Layout) throws -> [AssembledRepository.Index] {
        try shardModes(layout).map { index, modes in
            AssembledRepository.Index(name: index, shards: try modes.map { try LuceneFixtures.index($0, lucene: layout.lucene).folder })
        }
    }

    /// What Lucene itself read from the same folders.
    static func expected(_ layout: AssembledRepository.Layout) throws -> [Read] {
        var reads: [Read] = []
        for (index, modes) in shardModes(layout) {
            for mode in modes {
                reads += try LuceneFixtures.index(mode, lucene: layout.lucene).expectedDocuments().map {
                    Read(index: index, id: $0.id, routing: $0.routing, source: $0.source)
                }
            }
        }
        return reads.sorted()
    }

    static func readAll(_ path: String, verify: Bool = false) async throws -> [Read] {
        let repository = try SnapshotRepository(path: path)
        let snapshot = try #require(repository.data.snapshots.first)
        var options = SnapshotDocumentReader.Options(concurrency: 2)
        options.verifyChecksums = verify
        var reads: [Read] = []
        for try await batch in try SnapshotDocumentReader.batches(
            repository: repository, snapshot: snapshot, indices: repository.data.indices(of: snapshot), options: options)
        {
            reads += batch.map { Read(index: $0.index, id: $0.id, routing: $0.routing, source: String(decoding: $0.source, as: UTF8.self)) }
        }
        return reads.sorted()
    }

    /// Reads the whole snapshot and compares it with Lucene's reading, document by document.
    func expectExactCopy(_ layout: AssembledRepository.Layout) async throws -> AssembledRepository {
        let assembled = try AssembledRepository.assemble(layout, indices: try Self.indices(layout))
        let expected = try Self.expected(layout)
        let actual = try await Self.readAll(assembled.root.path, verify: true)
        #expect(actual.count == expected.count, "\(layout.server): \(actual.count) documents where Lucene has \(expected.count)")
        #expect(actual == expected, "\(layout.server): the documents differ from Lucene's")
        let repository = try SnapshotRepository(path: assembled.root.path)
        let snapshot = try repository.snapshot(named: "nightly")
        #expect(repository.data.indices(of: snapshot).map(\.name) == ["events", "logs"])
        let logs = try repository.index(named: "logs", in: snapshot)
        #expect(try repository.indexMetadata(logs, in: snapshot).numberOfShards == 2)
        #expect(logs.shardGenerations == assembled.shardGenerations["logs"])
        #expect(logs.shardPathType == layout.shardPathType)
        return assembled
    }

    @Test("Every document of an OpenSearch 2.11 snapshot (assembled OpenSearch 2.11 layout)")
    func openSearch211() async throws {
        let assembled = try await expectExactCopy(.openSearch211)
        defer { assembled.remove() }
        let snapshot = try #require(try SnapshotRepository(path: assembled.root.path).data.snapshots.first)
        #expect(snapshot.version == "2.11.1" && snapshot.indexVersionID == nil)
    }

    @Test("Hashed-prefix shard folders found through snapshot_shard_paths (assembled OpenSearch 2.17 layout)")
    func openSearch217HashedPrefix() async throws {
        let assembled = try await expectExactCopy(.openSearch217HashedPrefix)
        defer { assembled.remove() }
        let folder = try #require(assembled.shardFolders["logs"]?.first)
        #expect(!folder.hasPrefix("indices/") && folder.hasSuffix("/indices/\(assembled.indexIDs["logs"]!)/0"))
        // Index metadata stays in indices/<id>/; only shard folders move under the hash.
        #expect(!FileManager.default.fileExists(atPath: assembled.url("indices/\(assembled.indexIDs["logs"]!)/0").path))
    }

    @Test("Hashed shard folders without snapshot_shard_paths/ are found by listing (assembled OpenSearch 2.17 layout)")
    func hashedFoldersWithoutTheirList() async throws {
        let assembled = try AssembledRepository.assemble(.openSearch217HashedPrefix, indices: try Self.indices(.openSearch217HashedPrefix))
        defer { assembled.remove() }
        try FileManager.default.removeItem(at: assembled.url("snapshot_shard_paths"))
        #expect(try await Self.readAll(assembled.root.path) == (try Self.expected(.openSearch217HashedPrefix)))

        let folder = try #require(assembled.shardFolders["events"]?.first)
        try FileManager.default.removeItem(at: assembled.url(folder))
        do {
            _ = try await Self.readAll(assembled.root.path)
            Issue.record("a missing hashed shard folder went unnoticed")
        } catch let error as SnapshotReaderError {
            #expect(
                error.description.hasPrefix(
                    "indices/\(assembled.indexIDs["events"]!)/0 is missing (shard 0 of index events uses OpenSearch's hashed shard paths"),
                "\(error.description)")
            #expect(error.description.contains("copy the whole bucket"))
        }
    }

    @Test("Every document of an OpenSearch 3.x snapshot, compressed metadata and split blobs (assembled OpenSearch 3.1 layout)")
    func openSearch3() async throws {
        let assembled = try await expectExactCopy(.openSearch3)
        defer { assembled.remove() }
        let folder = try #require(assembled.shardFolders["logs"]?.first)
        let names = try FileManager.default.contentsOfDirectory(atPath: assembled.url(folder).path)
        #expect(names.contains { $0.hasSuffix(".part1") }, "no blob was split into parts")
    }

    @Test("Hashed-infix shard folders listed in snapshot_path_ files (assembled OpenSearch 3.1 layout)")
    func openSearch3HashedInfix() async throws {
        let assembled = try await expectExactCopy(.openSearch3HashedInfix)
        defer { assembled.remove() }
        let lists = try FileManager.default.contentsOfDirectory(atPath: assembled.url("snapshot_shard_paths").path)
        #expect(lists.count == 2 && lists.allSatisfy { $0.hasPrefix("snapshot_path_") })
    }

    @Test("Index-version numbers and shard generations of Elasticsearch 8 (assembled Elasticsearch 8.15 layout)")
    func elasticsearch8() async throws {
        let assembled = try await expectExactCopy(.elasticsearch8)
        defer { assembled.remove() }
        let repository = try SnapshotRepository(path: assembled.root.path)
        let snapshot = try #require(repository.data.snapshots.first)
        #expect(snapshot.indexVersionID == 8_512_000)
        #expect(snapshot.version == "8.11+ (8512000)")
        let metadata = try repository.indexMetadata(try repository.index(named: "logs", in: snapshot), in: snapshot)
        #expect(metadata.json["settings"]?["index.version.created"]?.stringValue == "8512000")
        #expect(metadata.sourceMode == .stored)
    }

    @Test("Every document of an Elasticsearch 9 snapshot (assembled Elasticsearch 9.0 layout)")
    func elasticsearch9() async throws {
        let assembled = try await expectExactCopy(.elasticsearch9)
        defer { assembled.remove() }
        let snapshot = try #require(try SnapshotRepository(path: assembled.root.path).data.snapshots.first)
        #expect(snapshot.version == "9.x (9009000)" && snapshot.indexVersionID == 9_009_000)
    }

    @Test("Elasticsearch 8.9-8.10 numbers are release ids", arguments: [(8_09_00_99, "8.9.0"), (8_10_04_99, "8.10.4")])
    func releaseIDsAsNumbers(_ id: Int, _ release: String) {
        #expect(RepositoryData.describe(indexVersionID: id) == release)
    }

    @Test("A shallow-copy snapshot is refused with what to do (assembled OpenSearch 3.1 layout)")
    func shallowCopyIsRefused() async throws {
        var layout = AssembledRepository.Layout.openSearch3
        layout.shallowCopy = true
        let assembled = try AssembledRepository.assemble(layout, indices: try Self.indices(layout))
        defer { assembled.remove() }
        let repository = try SnapshotRepository(path: assembled.root.path)
        let snapshot = try #require(repository.data.snapshots.first)
        #expect(try repository.isShallowCopy(snapshot))
        do {
            _ = try SnapshotDocumentReader.batches(
                repository: repository, snapshot: snapshot, indices: repository.data.indices(of: snapshot))
            Issue.record("a shallow copy was accepted")
        } catch {
            #expect(
                error.description
                    == "Index events in snapshot nightly is an OpenSearch shallow copy (remote-store snapshot): its segments are in the cluster's remote segment store, not in this repository; restore the snapshot with OpenSearch, or take a full snapshot into a repository without remote_store_index_shallow_copy and read that one."
            )
            #expect(error.ternError.exitCode == .usage)
        }
        // Shard by shard too (a backfill unit opens one shard).
        let logs = try repository.index(named: "logs", in: snapshot)
        #expect(throws: SnapshotReaderError.noSource(SnapshotRepository.shallowCopySentence(snapshot: snapshot, index: "logs", shard: 1))) {
            try repository.shardDirectory(logs, shard: 1, in: snapshot)
        }
    }

    @Test("A one-shard snapshot of 100,000 documents is read by two threads, every document exactly (assembled OpenSearch 3.1 layout)")
    func oneShardSharedByThreads() async throws {
        let big = try LuceneFixtures.index("big", lucene: .lucene104)
        let folder = try LuceneIndexReader(directory: FolderDirectory(path: big.folder.path))
        #expect(folder.shares(threads: 2).count > folder.segments.count, "no segment is cut: one thread would read each")
        let assembled = try AssembledRepository.assemble(.openSearch3, indices: [.init(name: "big", shards: [big.folder])])
        defer { assembled.remove() }
        let expected = try big.expectedDocuments().map { Read(index: "big", id: $0.id, routing: $0.routing, source: $0.source) }.sorted()
        let actual = try await Self.readAll(assembled.root.path)
        #expect(actual.count == expected.count)
        #expect(actual == expected)
    }
}
