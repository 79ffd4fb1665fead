import Foundation
import Logging
import SnapshotReader
import TernCore
import TernTestSupport
import Testing

@testable import ObjectStore

/// Repositories in the layouts of servers that cannot run here (OpenSearch 2.x/3.x with hashed shard paths and split
/// files, Elasticsearch 8.x/9.x), assembled around segments real Lucene wrote, uploaded under a base path into a real S3
/// server (moto, checking signatures) and read in place.
@Suite struct AssembledRepositoryS3Tests {
    @Test(
        "every document of an assembled repository read from S3 (assembled OpenSearch 2.17 hashed prefix, 3.1 split files and hashed infix, Elasticsearch 8.15 and 9.0 layouts)",
        arguments: [
            AssembledRepository.Layout.openSearch217HashedPrefix, .openSearch3, .openSearch3HashedInfix, .elasticsearch8, .elasticsearch9,
        ])
    func readsAssembledLayoutsFromS3(_ layout: AssembledRepository.Layout) async throws {
        let shard = try LuceneFixtures.index(layout.serverMode, lucene: layout.lucene)
        let assembled = try AssembledRepository.assemble(
            layout, indices: [.init(name: "logs", shards: [shard.folder]), .init(name: "audit", shards: [shard.folder])])
        defer { assembled.remove() }
        let expected = try shard.expectedDocuments()
        try await ObjectStoreServer.with(
            kind: .s3, uploads: [(folder: assembled.root.path, prefix: "clusters/prod")], verifySignatures: true
        ) {
            server in
            // Ranges smaller than the split files' parts, so parts and ranges both cut the files.
            let opener = S3RepositoryTests.opener(
                server, options: ObjectStoreStorage.Options(connections: 6, rangeBytes: 1536, spillThreshold: 0))
            let repository = try SnapshotRepository(storage: try opener.storage("s3://\(server.bucket)/clusters/prod"))
            let snapshot = try repository.snapshot(named: assembled.snapshot)
            for index in repository.data.indices(of: snapshot) {
                var found: [String: String] = [:]
                for try await batch in try SnapshotDocumentReader.batches(repository: repository, snapshot: snapshot, indices: [index]) {
                    for document in batch { found[document.id] = String(decoding: document.source, as: UTF8.self) }
                }
                #expect(found.count == expected.count, "\(layout) \(index.name)")
                for document in expected {
                    let source = try #require(found[document.id], "\(layout) \(index.name) \(document.id)")
                    #expect(try JSONValue.parse(Array(source.utf8)) == (try JSONValue.parse(Array(document.source.utf8))))
                }
            }
        }
    }
}
