import Foundation
import Metadata
import TernCore
import TernTestSupport
import Testing

/// `SnapshotMetadataReader` on repositories assembled in the layouts of newer servers: the writing version comes from an
/// index-version number (Elasticsearch 8.9+) or from OpenSearch's version ids, and index settings and mappings are read.
@Suite struct SnapshotMetadataAssembledTests {
    @Test(
        "The writing version and index metadata of newer repositories (assembled Elasticsearch 8.15/9.0, OpenSearch 2.17 layouts)",
        arguments: [
            (AssembledRepository.Layout.elasticsearch8, ClusterVersion(.elasticsearch, SemanticVersion(8, 0, 0))),
            (AssembledRepository.Layout.elasticsearch9, ClusterVersion(.elasticsearch, SemanticVersion(9, 0, 0))),
            (AssembledRepository.Layout.openSearch217HashedPrefix, ClusterVersion(.opensearch, SemanticVersion(2, 17, 1))),
        ])
    func readsNewerRepositories(_ layout: AssembledRepository.Layout, _ version: ClusterVersion) throws {
        let assembled = try AssembledRepository.assemble(
            layout,
            indices: [
                AssembledRepository.Index(
                    name: "logs", shards: [try LuceneFixtures.index(layout.serverMode, lucene: layout.lucene).folder],
                    mapping: .object(["properties": .object(["title": .object(["type": .string("text")])])]))
            ])
        defer { assembled.remove() }
        let metadata = try SnapshotMetadataReader(repositoryPath: assembled.root.path, snapshotName: "nightly").read(
            selection: IndexSelection())
        #expect(metadata.version == version, "\(layout.server)")
        let index = try #require(metadata.items.first { $0.kind == .index && $0.name == "logs" })
        #expect(index.body["mappings"]?["_doc"]?.value(at: "properties.title.type") == .string("text"), "\(index.body)")
        #expect(index.body["settings"]?["index.number_of_shards"] == .string("1"))
    }
}
