import TernCore

/// The catalogue of an `fs` snapshot repository (`index-N`): its snapshots, their indices, and where index metadata lives.
///
/// `index-N` is plain, uncompressed JSON in every version (Elasticsearch 5.x-9.x, OpenSearch 1.x-3.x). What changed:
/// - `min_version` (7.x+) names the oldest version that may read the file: a string ("7.9.0") before Elasticsearch 8.10,
///   an index-version number after; repository `uuid` and `cluster_id` sit beside it (7.12+).
/// - A snapshot's `version` is a release string ("7.10.2", OpenSearch's "2.17.0") up to Elasticsearch 8.8; from 8.9 on
///   it is an index-version number (8_500_000 and up for 8.11+, 9_000_000 and up for 9.x).
/// - `index_metadata_lookup` + `index_metadata_identifiers` (7.9+) deduplicate `meta-*.dat` blobs across snapshots.
/// - Each index lists `shard_generations` (7.6+): the UUID-named `index-<uuid>` catalogue blob of each shard folder.
/// - OpenSearch 2.17+ may add `shard_path_type` to an index (0 fixed, 1 hashed prefix, 2 hashed infix): that index's
///   shard folders then sit under a hashed folder, listed in `snapshot_shard_paths/` (see `ShardPathResolver`).
/// Sources: elastic/elasticsearch `RepositoryData.java`; opensearch-project/OpenSearch `IndexId.java`,
/// `RemoteStoreEnums.java`, `SnapshotShardPaths.java`.
public struct RepositoryData: Sendable {
    /// One snapshot of the repository.
    public struct Snapshot: Sendable, Equatable {
        public var name: String
        public var uuid: String
        /// 1 = SUCCESS, 2 = FAILED, 3 = PARTIAL (RepositoryData's state codes); nil in old repositories.
        public var state: Int?
        /// The version that wrote it, for people: a release ("7.10.2", "2.17.0") or, for Elasticsearch 8.9+ which
        /// records an index-version number, the release line and that number ("8.11+ (8503000)").
        public var version: String?
        /// The index-version number an Elasticsearch 8.9+ repository records instead of a release string.
        public var indexVersionID: Int?
        /// Index id -> metadata key (7.9+), resolved through `indexMetadataIdentifiers` to the blob name.
        public var indexMetadataLookup: [String: String]

        public var stateName: String {
            switch state {
            case 0: "IN_PROGRESS"
            case 1, nil: "SUCCESS"
            case 2: "FAILED"
            case 3: "PARTIAL"
            default: "UNKNOWN(\(state!))"
            }
        }

        public init(
            name: String, uuid: String, state: Int?, version: String?, indexVersionID: Int? = nil, indexMetadataLookup: [String: String]
        ) {
            self.name = name
            self.uuid = uuid
            self.state = state
            self.version = version
            self.indexVersionID = indexVersionID
            self.indexMetadataLookup = indexMetadataLookup
        }
    }

    /// One index as the repository knows it.
    public struct Index: Sendable, Equatable {
        public var name: String
        /// The folder under `indices/`.
        public var id: String
        public var snapshotUUIDs: [String]
        /// The `index-<generation>` catalogue blob of each shard (7.6+); nil where the repository has none.
        public var shardGenerations: [String?]
        /// OpenSearch's shard path type: 0 = `indices/<id>/<shard>`, 1 = hashed prefix, 2 = hashed infix (2.17+).
        public var shardPathType: Int

        public init(name: String, id: String, snapshotUUIDs: [String], shardGenerations: [String?] = [], shardPathType: Int = 0) {
            self.name = name
            self.id = id
            self.snapshotUUIDs = snapshotUUIDs
            self.shardGenerations = shardGenerations
            self.shardPathType = shardPathType
        }
    }

    public var generation: Int
    public var snapshots: [Snapshot]
    public var indices: [Index]
    public var indexMetadataIdentifiers: [String: String]
    /// The repository's own UUID (7.12+), nil before.
    public var repositoryUUID: String?

    /// Parses `index-N` JSON, accepting the layouts of Elasticsearch 5.x-9.x and OpenSearch 1.x-3.x.
    public init(json: JSONValue, generation: Int, name: String) throws(SnapshotReaderError) {
        self.generation = generation
        guard let snapshotList = json["snapshots"]?.arrayValue, let indexMap = json["indices"]?.objectValue else {
            throw SnapshotReaderError.corrupt(name, at: 0, "no 'snapshots' and 'indices' in the repository catalogue")
        }
        var snapshots: [Snapshot] = []
        for entry in snapshotList {
            guard let snapshotName = entry["name"]?.stringValue, let uuid = entry["uuid"]?.stringValue else {
                throw SnapshotReaderError.corrupt(name, at: 0, "a snapshot entry without name or uuid")
            }
            let (version, indexVersionID) = Self.version(entry["version"])
            snapshots.append(
                Snapshot(
                    name: snapshotName, uuid: uuid, state: entry["state"]?.intValue.map(Int.init), version: version,
                    indexVersionID: indexVersionID,
                    indexMetadataLookup: (entry["index_metadata_lookup"]?.objectValue ?? [:]).compactMapValues(\.stringValue)))
        }
        self.snapshots = snapshots
        var indices: [Index] = []
        for (indexName, entry) in indexMap {
            guard let id = entry["id"]?.stringValue, !id.isEmpty, !id.contains("/"), id != "..", id != "." else {
                throw SnapshotReaderError.corrupt(name, at: 0, "index '\(indexName)' has no usable id")
            }
            // Before Elasticsearch 5.4.1 an index lists its snapshots as {name, uuid} objects, later as uuids.
            let uuids = (entry["snapshots"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0["uuid"]?.stringValue }
            let generations = (entry["shard_generations"]?.arrayValue ?? []).map { value -> String? in
                if case .string(let text) = value { return text }
                return nil
            }
            indices.append(
                Index(
                    name: indexName, id: id, snapshotUUIDs: uuids, shardGenerations: generations,
                    shardPathType: Int(entry["shard_path_type"]?.intValue ?? 0)))
        }
        self.indices = indices.sorted { $0.name < $1.name }
        indexMetadataIdentifiers = (json["index_metadata_identifiers"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        repositoryUUID = json["uuid"]?.stringValue
    }

    /// The indices a snapshot holds.
    public func indices(of snapshot: Snapshot) -> [Index] {
        indices.filter { $0.snapshotUUIDs.contains(snapshot.uuid) }
    }

    /// A snapshot's `version` as people read it, and the index-version number when that is what the file holds.
    static func version(_ value: JSONValue?) -> (String?, Int?) {
        switch value {
        case .string(let text): (text, nil)
        case .int(let number): (describe(indexVersionID: Int(number)), Int(number))
        default: (nil, nil)
        }
    }

    /// Elasticsearch 8.9-8.10 still wrote release ids (`8090099` = 8.9.0) as numbers; 8.11+ index versions have no
    /// release in them, only their line.
    static func describe(indexVersionID id: Int) -> String {
        if id >= 9_000_000 { return "\(id / 1_000_000).x (\(id))" }
        if id >= 8_500_000 { return "8.11+ (\(id))" }
        return "\(id / 1_000_000).\((id / 10_000) % 100).\((id / 100) % 100)"
    }
}
