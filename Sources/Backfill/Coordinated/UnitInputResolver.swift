import SearchClient
import SnapshotReader
import TernCore

/// Opens the units of a shared plan as another worker planned them: the plan is the coordination index's, not re-made
/// here (a live index may have grown since), so each unit is opened as it is described. What every unit needs (the
/// live source's version, the snapshot's catalogue and index metadata) is read once per worker, not once per item.
actor UnitInputResolver {
    private let source: BackfillSource
    private let selection: IndexSelection
    private let sourceClient: SearchClient?
    private var cluster: ClusterInfo?
    private var opened: (repository: SnapshotRepository, snapshot: RepositoryData.Snapshot)?
    private var indices: [String: (index: RepositoryData.Index, metadata: IndexMetadata)] = [:]

    init(source: BackfillSource, selection: IndexSelection, sourceClient: SearchClient?) {
        self.source = source
        self.selection = selection
        self.sourceClient = sourceClient
    }

    /// The input of `unit`.
    /// - Throws: `TernError` when the unit is not one this worker's source has (workers started with other sources).
    func input(for unit: BackfillUnit) async throws -> UnitInput {
        switch source {
        case .cluster:
            guard let client = sourceClient else { preconditionFailure("a cluster source has a client") }
            guard case .slice(let slice, let count) = unit.kind else { throw Self.foreign(unit) }
            if cluster == nil { cluster = try await client.info(retries: RetrySettings(maxAttempts: 2)) }
            return .liveSlice(client: client, cluster: cluster!, index: unit.sourceIndex, slice: slice, of: count)
        case .snapshot(let storage, let name):
            let (shard, part, parts): (Int, Int, Int)
            switch unit.kind {
            case .shard(let number): (shard, part, parts) = (number, 0, 1)
            case .shardPart(let number, let index, let count): (shard, part, parts) = (number, index, count)
            default: throw Self.foreign(unit)
            }
            let (repository, snapshot) = try openSnapshot(storage: storage, name: name)
            let (index, metadata) = try indexMetadata(unit.sourceIndex, repository: repository, snapshot: snapshot)
            return .snapshotShard(
                repository: repository, snapshot: snapshot, index: index, metadata: metadata, shard: shard, part: part, of: parts)
        case .luceneFolder(let path, let index):
            guard unit.kind == .luceneFolder else { throw Self.foreign(unit) }
            return .lucene(path: path, index: index)
        case .file(let path):
            guard unit.kind == .file else { throw Self.foreign(unit) }
            return .file(path: path, selection: selection)
        }
    }

    private func openSnapshot(storage: any RepositoryStorage, name: String) throws -> (SnapshotRepository, RepositoryData.Snapshot) {
        if let opened { return opened }
        let repository: SnapshotRepository
        let snapshot: RepositoryData.Snapshot
        do {
            repository = try SnapshotRepository(storage: storage)
            snapshot = try repository.snapshot(named: name)
        } catch {
            throw error.ternError
        }
        opened = (repository, snapshot)
        return (repository, snapshot)
    }

    private func indexMetadata(
        _ name: String, repository: SnapshotRepository, snapshot: RepositoryData.Snapshot
    ) throws -> (RepositoryData.Index, IndexMetadata) {
        if let known = indices[name] { return known }
        let index: RepositoryData.Index
        let metadata: IndexMetadata
        do {
            index = try repository.index(named: name, in: snapshot)
            metadata = try repository.indexMetadata(index, in: snapshot)
        } catch {
            throw error.ternError
        }
        indices[name] = (index, metadata)
        return (index, metadata)
    }

    private static func foreign(_ unit: BackfillUnit) -> TernError {
        TernError(
            .invalidArgument,
            "The shared plan has an item \(unit.key) that this worker's source cannot read; start every worker with the same source."
        )
    }
}
