import Foundation
import TernTestSupport
import Testing

@testable import SnapshotReader

/// A shared backfill cuts large shards into parts planned before the shard is opened: part p of P reads, in every
/// segment, the chunks that start in the p-th share of the doc ids. Together the parts must read every live document
/// exactly once, whatever the segments look like.
@Suite struct ShardPartsTests {
    @Test(
        "the parts of an index read every live document once",
        arguments: [
            ModernLuceneCase(lucene: .lucene87, mode: "soft-deletes"), ModernLuceneCase(lucene: .lucene99, mode: "many-segments"),
            ModernLuceneCase(lucene: .lucene99, mode: "hard-deletes"), ModernLuceneCase(lucene: .lucene104, mode: "large-compression"),
            ModernLuceneCase(lucene: .lucene104, mode: "all-deleted"),
        ])
    func partsReadEveryDocumentOnce(_ index: ModernLuceneCase) throws {
        let fixture = try LuceneFixtures.index(index.mode, lucene: index.lucene)
        let reader = try LuceneIndexReader(directory: FolderDirectory(path: fixture.folder.path))
        let whole = try readAllLuceneDocuments(reader)
        let order = { (lhs: LuceneCollectingVisitor.Document, rhs: LuceneCollectingVisitor.Document) in
            (lhs.seg, lhs.doc) < (rhs.seg, rhs.doc)
        }
        for parts in [1, 2, 7, 300] {
            var read: [LuceneCollectingVisitor.Document] = []
            // Each part on its own, last first: no part may depend on another having been read.
            for part in (0..<parts).reversed() {
                for share in reader.shares(part: part, of: parts) {
                    var visitor = LuceneCollectingVisitor(segmentNames: reader.segments.map(\.name))
                    try reader.visitLiveDocuments(share, visitor: &visitor)
                    read += visitor.documents
                }
            }
            #expect(read.count == whole.count, "\(parts) parts")
            #expect(read.sorted(by: order) == whole.sorted(by: order), "\(parts) parts")
        }
    }

    @Test("a snapshot shard read in four parts gives its 100,000 documents once (assembled OpenSearch 3.1 layout)")
    func snapshotShardInParts() async throws {
        let big = try LuceneFixtures.index("big", lucene: .lucene104)
        let assembled = try AssembledRepository.assemble(.openSearch3, indices: [.init(name: "big", shards: [big.folder])])
        defer { assembled.remove() }
        let repository = try SnapshotRepository(path: assembled.root.path)
        let snapshot = try #require(repository.data.snapshots.first)
        let index = try repository.index(named: "big", in: snapshot)
        let metadata = try repository.indexMetadata(index, in: snapshot)
        var ids: [String: Int] = [:]
        var perPart: [Int] = []
        for part in 0..<4 {
            var count = 0
            for try await batch in SnapshotDocumentReader.shardBatches(
                repository: repository, snapshot: snapshot, index: index, metadata: metadata, shard: 0, part: part, of: 4)
            {
                for document in batch { ids[document.id, default: 0] += 1 }
                count += batch.count
            }
            perPart.append(count)
        }
        let expected = try big.expectedDocuments()
        #expect(ids.count == expected.count)
        #expect(ids.values.allSatisfy { $0 == 1 })
        #expect(Set(ids.keys) == Set(expected.map(\.id)))
        // Every part has work: one huge shard keeps four workers busy.
        #expect(perPart.allSatisfy { $0 > expected.count / 8 }, "\(perPart)")
    }
}
