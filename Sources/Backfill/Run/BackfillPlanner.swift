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
        let selected = options.selection.openIndices(all, logger: logger)
        var units: [PlannedUnit] = []
        var mappings: [String: JSONValue] = [:]
        for index in selected {
            let slices = max(1, options.slices ?? min(8, max(1, index.primaryShards ?? 1)))
            let perSlice = Int(index.documents) / slices
            for slice in 0..<slices {
                let unit = BackfillUnit(
                    sourceIndex: index.name, targetIndex: options.selection.targetName(for: index.name), kind: .slice(slice, of: slices))
                units.append(
                    PlannedUnit(
                        unit: unit, input: .liveSlice(client: client, cluster: info, index: index.name, slice: slice, of: slices),
                        estimatedDocuments: perSlice))
            }
            if let mapping = try? await client.getJSON("/\(index.name)/_mapping")[index.name]?["mappings"] {
                mappings[index.name] = mapping
            }
        }
        return Plan(
            units: units, expectedDocuments: options.query == nil ? selected.reduce(0) { $0 + Int($1.documents) } : nil,
            sourceSuppliesVersions: true,
            isLive: true, targetIndicesKnown: true, mappings: mappings,
            mappingVersions: Dictionary(uniqueKeysWithValues: mappings.keys.map { ($0, info.version) }))
    }

    private func planSnapshot(storage: any RepositoryStorage, name: String) throws -> Plan {
        do {
            let repository = try SnapshotRepository(storage: storage)
            let snapshot = try repository.snapshot(named: name)
            var units: [PlannedUnit] = []
            var mappings: [String: JSONValue] = [:]
            var versions: [String: ClusterVersion] = [:]
            let selected = repository.data.indices(of: snapshot).filter { options.selection.selects($0.name) }
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
                for shard in 0..<metadata.numberOfShards {
                    let unit = BackfillUnit(
                        sourceIndex: index.name, targetIndex: options.selection.targetName(for: index.name), kind: .shard(shard))
                    units.append(
                        PlannedUnit(
                            unit: unit,
                            input: .snapshotShard(
                                repository: repository, snapshot: snapshot, index: index, metadata: metadata, shard: shard)))
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
