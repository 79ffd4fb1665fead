import Foundation
import Logging
import SearchClient
import SnapshotReader
import TernCore

/// Where one unit's documents come from, and how to read them page by page.
enum UnitInput: Sendable {
    case liveSlice(client: SearchClient, cluster: ClusterInfo, index: String, slice: Int, of: Int)
    case snapshotShard(
        repository: SnapshotRepository, snapshot: RepositoryData.Snapshot, index: RepositoryData.Index, metadata: IndexMetadata, shard: Int)
    case lucene(path: String, index: String)
    case file(path: String, selection: IndexSelection)

    /// Hands each page to `body` until the unit is read or `body` returns false.
    func read(options: BackfillOptions, logger: Logger, _ body: ([Document]) async throws -> Bool) async throws {
        switch self {
        case .liveSlice(let client, let cluster, let index, let slice, let count):
            let readOptions = LiveReadOptions(mode: options.readMode, pageSize: options.pageSize, query: options.query)
            _ = try await client.readSlice(
                index: index, slice: slice, of: count, mode: options.readMode, options: readOptions, cluster: cluster, body)
        case .snapshotShard(let repository, let snapshot, let index, let metadata, let shard):
            let batches = SnapshotDocumentReader.shardBatches(
                repository: repository, snapshot: snapshot, index: index, metadata: metadata, shard: shard,
                options: SnapshotDocumentReader.Options(batchSize: options.pageSize))
            try await Self.drain(batches, body)
        case .lucene(let path, let index):
            try await Self.drain(
                SnapshotDocumentReader.batches(
                    luceneFolder: path, index: index, options: SnapshotDocumentReader.Options(batchSize: options.pageSize)), body)
        case .file(let path, let selection):
            let reader = try NDJSONDocumentReader(path: path)
            while let page = try reader.next(count: options.pageSize) {
                let selected = page.filter { selection.selects($0.index) }
                if !selected.isEmpty, try await !body(selected) { return }
            }
        }
    }

    private static func drain(_ batches: DocumentBatches, _ body: ([Document]) async throws -> Bool) async throws {
        do {
            for try await batch in batches {
                if try await !body(batch) { return }
            }
        } catch let error as SnapshotReaderError {
            throw error.ternError
        }
    }
}
