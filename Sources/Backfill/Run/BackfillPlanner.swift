import Foundation
import Logging
import Metadata
import SearchClient
import SnapshotReader
import TernCore

/// Cuts a backfill into units: slices of live indices, shards of snapshot indices, a Lucene folder, a file.
struct BackfillPlanner {
    let source: BackfillSource
    let options: BackfillOptions
    let logger: Logger

    struct PlannedUnit: Sendable {
        var unit: BackfillUnit
        var input: UnitInput
        var estimatedDocuments: Int?
    }

    struct Plan: Sendable {
        var units: [PlannedUnit]
        var expectedDocuments: Int?
        /// Live sources have `_seq_no` for external versioning.
        var sourceSuppliesVersions: Bool
        var isLive: Bool
        /// Whether each unit writes to one known target index (not so for files, which name indices per line).
        var targetIndicesKnown: Bool
        /// Mappings to create missing target indices with (source index -> mappings JSON), when the source has them.
        var mappings: [String: JSONValue]
        /// The version whose rules those mappings follow (source index -> version), for transforming them to the target's.
        var mappingVersions: [String: ClusterVersion] = [:]
    }

    func plan(sourceClient: SearchClient?) async throws -> Plan {
        switch source {
        case .cluster:
            guard let client = sourceClient else { preconditionFailure("a cluster source has a client") }
            return try await planLive(client)
        case .snapshot(let storage, let name):
            return try planSnapshot(storage: storage, name: name)
        case .luceneFolder(let path, let index):
            let target = options.selection.targetName(for: index)
            let unit = BackfillUnit(sourceIndex: index, targetIndex: target, kind: .luceneFolder)
            return Plan(
                units: [PlannedUnit(unit: unit, input: .lucene(path: path, index: index))], expectedDocuments: nil,
                sourceSuppliesVersions: false,
                isLive: false, targetIndicesKnown: true, mappings: [:])
        case .file(let path):
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw TernError(.invalidArgument, "Cannot read \(path): the file does not exist or is not readable.")
            }
            let unit = BackfillUnit(sourceIndex: (path as NSString).lastPathComponent, targetIndex: "*", kind: .file)
            return Plan(
                units: [PlannedUnit(unit: unit, input: .file(path: path, selection: options.selection))], expectedDocuments: nil,
                sourceSuppliesVersions: false, isLive: false, targetIndicesKnown: false, mappings: [:])
        }
    }

    private func planLive(_ client: SearchClient) async throws -> Plan {
        let info = try await client.info(retries: RetrySettings(maxAttempts: 2))
        let all = try await client.indices()
        let streams = Self.streamsByBackingIndex(try await client.dataStreams(), selection: options.selection)
        // A selected stream brings its backing indices (hidden, dot names); a backing index of a stream not selected is
        // copied as a plain index only when named itself.
        let selected =
            options.selection.openIndices(all, logger: logger).filter { streams[$0.name] == nil }
            + all.filter { streams[$0.name] != nil && $0.status != .close }
        var units: [PlannedUnit] = []
        var mappings: [String: JSONValue] = [:]
        for index in selected {
            var slices = max(1, options.slices ?? min(8, max(1, index.primaryShards ?? 1)))
            if options.slices == nil, let itemDocuments = options.itemDocuments, itemDocuments > 0 {
                // Sliced reads partition an index exactly; their count is capped by index.max_slices_per_scroll.
                let needed = (Int(index.documents) + itemDocuments - 1) / itemDocuments
                slices = min(Self.maximumSlices, max(slices, needed))
            }
            let perSlice = Int(index.documents) / slices
            let stream = streams[index.name]
            let target = options.selection.targetName(for: stream ?? index.name)
            for slice in 0..<slices {
                let unit = BackfillUnit(sourceIndex: index.name, targetIndex: target, kind: .slice(slice, of: slices), dataStream: stream)
                units.append(
                    PlannedUnit(
                        unit: unit, input: .liveSlice(client: client, cluster: info, index: index.name, slice: slice, of: slices),
                        estimatedDocuments: perSlice))
            }
            if stream == nil, let mapping = try? await client.getJSON("/\(index.name)/_mapping")[index.name]?["mappings"] {
                mappings[index.name] = mapping
            }
        }
        return Plan(
            units: units, expectedDocuments: options.query == nil ? selected.reduce(0) { $0 + Int($1.documents) } : nil,
            sourceSuppliesVersions: true,
            isLive: true, targetIndicesKnown: true, mappings: mappings,
            mappingVersions: Dictionary(uniqueKeysWithValues: mappings.keys.map { ($0, info.version) }))
    }

    /// The selected data streams' backing indices, each with its stream.
    static func streamsByBackingIndex(_ streams: [DataStream], selection: IndexSelection) -> [String: String] {
        var byIndex: [String: String] = [:]
        for stream in streams where selection.selects(stream.name) {
            for index in stream.backingIndices { byIndex[index] = stream.name }
        }
        return byIndex
    }

    /// Slices a live index is cut into at most (the default of `index.max_slices_per_scroll`).
    static let maximumSlices = 1024
    /// Parts a snapshot shard is cut into at most.
    static let maximumParts = 256

    /// How many parts a snapshot shard is read in: one, or with `itemBytes` one per that many bytes of its files.
    private func partsOf(
        shard: Int, index: RepositoryData.Index, snapshot: RepositoryData.Snapshot, repository: SnapshotRepository
    ) throws -> Int {
        guard let itemBytes = options.itemBytes, itemBytes > 0 else { return 1 }
        let bytes = try repository.shardDirectory(index, shard: shard, in: snapshot).files.reduce(0) { $0 + $1.length }
        return min(Self.maximumParts, max(1, (bytes + itemBytes - 1) / itemBytes))
    }

    private func planSnapshot(storage: any RepositoryStorage, name: String) throws -> Plan {
        do {
            let repository = try SnapshotRepository(storage: storage)
            let snapshot = try repository.snapshot(named: name)
            var units: [PlannedUnit] = []
            var mappings: [String: JSONValue] = [:]
            var versions: [String: ClusterVersion] = [:]
            let global = try repository.globalMetadata(snapshot)
            let streams = Self.streamsByBackingIndex(
                DataStream.all(fromSnapshotMetadata: global["meta-data"] ?? global), selection: options.selection)
            let selected = repository.data.indices(of: snapshot).filter {
                streams[$0.name] != nil || options.selection.selects($0.name)
            }
            try repository.requireFullCopy(snapshot, indices: selected)
            for index in selected {
                let metadata = try repository.indexMetadata(index, in: snapshot)
                let mode = metadata.sourceMode
                if let refusal = mode.refusal(index: index.name, snapshot: snapshot.name) {
                    throw SnapshotReaderError.noSource(refusal)
                }
                if let warning = mode.warning(index: index.name, snapshot: snapshot.name) {
                    logger.warning("\(warning)")
                }
                mappings[index.name] = metadata.json["mappings"]
                versions[index.name] = SnapshotMetadataReader.createdVersion(metadata.json["settings"] ?? .object([:]))
                let stream = streams[index.name]
                for shard in 0..<metadata.numberOfShards {
                    let target = options.selection.targetName(for: stream ?? index.name)
                    let parts = try partsOf(shard: shard, index: index, snapshot: snapshot, repository: repository)
                    for part in 0..<parts {
                        let unit = BackfillUnit(
                            sourceIndex: index.name, targetIndex: target,
                            kind: parts == 1 ? .shard(shard) : .shardPart(shard, part: part, of: parts), dataStream: stream)
                        units.append(
                            PlannedUnit(
                                unit: unit,
                                input: .snapshotShard(
                                    repository: repository, snapshot: snapshot, index: index, metadata: metadata, shard: shard, part: part,
                                    of: parts)))
                    }
                }
            }
            return Plan(
                units: units, expectedDocuments: nil, sourceSuppliesVersions: false, isLive: false, targetIndicesKnown: true,
                mappings: mappings, mappingVersions: versions)
        } catch let error as SnapshotReaderError {
            throw error.ternError
        }
    }
}
