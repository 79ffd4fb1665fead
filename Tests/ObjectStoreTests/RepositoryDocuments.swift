import Foundation
import SnapshotReader
import TernTestSupport
import Testing

/// Reads every live document of a fixture repository through a storage and compares it with the documents the
/// repository is known to hold: same indices, same ids, same sources.
enum RepositoryDocuments {
    static func expectExpected(_ storage: any RepositoryStorage, fixture name: String) async throws {
        let repository = try SnapshotRepository(storage: storage)
        for (snapshotName, indices) in try SnapshotFixtures.expected(name) {
            let snapshot = try repository.snapshot(named: snapshotName)
            #expect(Set(repository.data.indices(of: snapshot).map(\.name)) == Set(indices.keys), "\(name)")
            for (indexName, expected) in indices {
                let index = try repository.index(named: indexName, in: snapshot)
                #expect(try repository.indexMetadata(index, in: snapshot).numberOfShards == expected.shards)
                var found: [String: NSObject] = [:]
                for try await batch in try SnapshotDocumentReader.batches(repository: repository, snapshot: snapshot, indices: [index]) {
                    for document in batch {
                        #expect(found[document.id] == nil, "\(name) \(indexName) \(document.id) read twice")
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
}
