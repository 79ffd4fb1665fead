import TernCore

/// The catalogue of an `fs` snapshot repository (`index-N`): its snapshots, their indices, and where index metadata lives.
public struct RepositoryData: Sendable {
    /// One snapshot of the repository.
    public struct Snapshot: Sendable, Equatable {
        public var name: String
        public var uuid: String
        /// 1 = SUCCESS, 2 = FAILED, 3 = PARTIAL (RepositoryData's state codes); nil in old repositories.
        public var state: Int?
        /// The version that wrote it (7.x+ repositories).
        public var version: String?
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
    }

    /// One index as the repository knows it.
    public struct Index: Sendable, Equatable {
        public var name: String
        /// The folder under `indices/`.
        public var id: String
        public var snapshotUUIDs: [String]
    }

    public var generation: Int
    public var snapshots: [Snapshot]
    public var indices: [Index]
    public var indexMetadataIdentifiers: [String: String]

    /// Parses `index-N` JSON, accepting the layouts of Elasticsearch 5.x-8.x and OpenSearch 1.x-3.x.
    public init(json: JSONValue, generation: Int, name: String) throws(SnapshotReaderError) {
        self.generation = generation
        guard let snapshotList = json["snapshots"]?.arrayValue, let indexMap = json["indices"]?.objectValue else {
            throw SnapshotReaderError.corrupt(name, at: 0, "no 'snapshots' and 'indices' in the repository catalogue")
        }
        snapshots = snapshotList.compactMap { entry in
            guard let name = entry["name"]?.stringValue, let uuid = entry["uuid"]?.stringValue else { return nil }
            return Snapshot(
                name: name, uuid: uuid, state: entry["state"]?.intValue.map(Int.init), version: entry["version"]?.stringValue,
                indexMetadataLookup: (entry["index_metadata_lookup"]?.objectValue ?? [:]).compactMapValues(\.stringValue))
        }
        indices = indexMap.compactMap { indexName, entry in
            guard let id = entry["id"]?.stringValue else { return nil }
            // Before Elasticsearch 5.4.1 an index lists its snapshots as {name, uuid} objects, later as uuids.
            let uuids = (entry["snapshots"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0["uuid"]?.stringValue }
            return Index(name: indexName, id: id, snapshotUUIDs: uuids)
        }.sorted { $0.name < $1.name }
        indexMetadataIdentifiers = (json["index_metadata_identifiers"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        if let pathType = json["shard_path_type"]?.intValue, pathType != 0 {
            throw SnapshotReaderError.unsupported(name, "hashed shard paths (shard_path_type \(pathType), OpenSearch remote-store layouts)")
        }
    }

    /// The indices a snapshot holds.
    public func indices(of snapshot: Snapshot) -> [Index] {
        indices.filter { $0.snapshotUUIDs.contains(snapshot.uuid) }
    }
}
