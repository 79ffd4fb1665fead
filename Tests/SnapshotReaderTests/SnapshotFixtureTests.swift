import Foundation
import TernCore
import TernTestSupport
import Testing

@testable import SnapshotReader

/// The real repositories Elasticsearch 5.6, 6.8 and 7.10 wrote (`../shared/fixtures/snapshots`) yield exactly the live
/// documents listed in `../shared/fixtures/snapshots-expected`.
@Suite struct SnapshotFixtureTests {
    static let fixtures = SnapshotFixtures.folder
    static let repositories = SnapshotFixtures.repositories

    static func repositoryPath(_ name: String) -> String { SnapshotFixtures.repositoryPath(name) }

    static func expected(_ name: String) throws -> [String: [String: (shards: Int, docs: [String: NSObject])]] {
        try SnapshotFixtures.expected(name)
    }

    @Test(arguments: repositories)
    func yieldsExactlyTheExpectedDocuments(_ name: String) async throws {
        let repository = try SnapshotRepository(path: Self.repositoryPath(name))
        for (snapshotName, indices) in try Self.expected(name) {
            let snapshot = try repository.snapshot(named: snapshotName)
            #expect(Set(repository.data.indices(of: snapshot).map(\.name)) == Set(indices.keys))
            for (indexName, expected) in indices {
                let index = try repository.index(named: indexName, in: snapshot)
                #expect(try repository.indexMetadata(index, in: snapshot).numberOfShards == expected.shards)
                var found: [String: NSObject] = [:]
                for try await batch in try SnapshotDocumentReader.batches(repository: repository, snapshot: snapshot, indices: [index]) {
                    for document in batch {
                        #expect(document.index == indexName)
                        #expect(found[document.id] == nil, "\(document.id) read twice")
                        found[document.id] = try JSONSerialization.jsonObject(with: Data(document.source)) as? NSObject
                    }
                }
                #expect(Set(found.keys) == Set(expected.docs.keys), "\(name) \(indexName)")
                for (id, source) in expected.docs {
                    #expect(found[id] == source, "\(name) \(indexName) \(id)")
                }
            }
        }
    }

    @Test func listsSnapshotsAndReadsMetadata() throws {
        let repository = try SnapshotRepository(path: Self.repositoryPath("ES_7_10_Single"))
        let snapshot = try repository.snapshot(named: "global_state_snapshot")
        #expect(repository.data.indices(of: snapshot).map(\.name) == ["posts_2023_02_25", "posts_2024_01_01"])
        let global = try repository.globalMetadata(snapshot)
        let text = String(decoding: try JSONEncoder().encode(global), as: UTF8.self)
        #expect(text.contains("posts_index_template"))
        #expect(text.contains("posts_template"))
        let metadata = try repository.indexMetadata(repository.index(named: "posts_2024_01_01", in: snapshot), in: snapshot)
        #expect(metadata.json["mappings"] != nil)
        #expect(!metadata.sourceDisabled)
    }

    @Test func badInputGetsOneSentence() throws {
        #expect(
            throws: SnapshotReaderError.invalidInput(
                "/nonexistent is not a folder; give the root folder of an fs snapshot repository (the one holding index-N files), or an s3://, gs:// or azure:// URL."
            )
        ) {
            try SnapshotRepository(path: "/nonexistent")
        }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("tern-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: SnapshotReaderError.self) { try SnapshotRepository(path: empty.path) }
        let repository = try SnapshotRepository(path: Self.repositoryPath("ES_6_8_Single"))
        do {
            _ = try repository.snapshot(named: "nope")
            Issue.record("found a snapshot that does not exist")
        } catch {
            #expect(error.description == "No snapshot 'nope' in \(Self.repositoryPath("ES_6_8_Single")); it holds: global_state_snapshot.")
        }
    }
}
