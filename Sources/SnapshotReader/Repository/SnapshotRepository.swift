import Foundation
import TernCore

/// A snapshot repository: its catalogue, and the blobs of its snapshots read through its storage (a folder, or an S3,
/// GCS or Azure bucket).
public struct SnapshotRepository: Sendable {
    public let storage: any RepositoryStorage
    public let data: RepositoryData

    /// Names the repository in messages.
    public var location: String { storage.location }

    /// Opens a repository folder.
    public init(path: String) throws(SnapshotReaderError) {
        try self.init(storage: try FolderStorage(path: path))
    }

    /// Opens a repository by reading its newest `index-N` catalogue.
    public init(storage: any RepositoryStorage) throws(SnapshotReaderError) {
        self.storage = storage
        let names = try storage.list("")
        // Listing beats index.latest: that file is only a hint and some copies leave it stale.
        let generations = names.compactMap { name -> Int? in
            guard name.hasPrefix("index-") else { return nil }
            return Int(name.dropFirst("index-".count))
        }
        guard let generation = generations.max() else {
            throw SnapshotReaderError.invalidInput(
                "\(storage.location) is not a snapshot repository: it has no index-N file. Give the repository's root (the path.repo location, or the bucket and base_path registered with the cluster)."
            )
        }
        let name = "index-\(generation)"
        let file = try storage.read(name, name: name)
        let json: JSONValue
        do {
            json = try file.withBytes { try JSONValue.parse($0) }
        } catch {
            throw SnapshotReaderError.corrupt(
                name, at: 0,
                "the repository catalogue is not valid JSON (cut short or damaged); copy \(name) again from the repository, or give a copy taken when no snapshot was running"
            )
        }
        data = try RepositoryData(json: json, generation: generation, name: name)
    }

    /// A snapshot by name.
    public func snapshot(named name: String) throws(SnapshotReaderError) -> RepositoryData.Snapshot {
        guard let snapshot = data.snapshots.first(where: { $0.name == name }) else {
            let known = data.snapshots.map(\.name).joined(separator: ", ")
            throw SnapshotReaderError.invalidInput("No snapshot '\(name)' in \(location); it holds: \(known.isEmpty ? "none" : known).")
        }
        return snapshot
    }

    /// An index of a snapshot by name.
    public func index(named name: String, in snapshot: RepositoryData.Snapshot) throws(SnapshotReaderError) -> RepositoryData.Index {
        let indices = data.indices(of: snapshot)
        guard let index = indices.first(where: { $0.name == name }) else {
            throw SnapshotReaderError.invalidInput(
                "Snapshot '\(snapshot.name)' has no index '\(name)'; it holds: \(indices.map(\.name).joined(separator: ", ")).")
        }
        return index
    }

    /// The snapshot's own description (`snap-<uuid>.dat`): state, times, indices, failures.
    public func snapshotInfo(_ snapshot: RepositoryData.Snapshot) throws(SnapshotReaderError) -> JSONValue {
        try readBlob("snap-\(snapshot.uuid).dat", codec: "snapshot")
    }

    /// Cluster-wide metadata (`meta-<uuid>.dat`): templates (legacy, composable, component), persistent settings.
    public func globalMetadata(_ snapshot: RepositoryData.Snapshot) throws(SnapshotReaderError) -> JSONValue {
        try readBlob("meta-\(snapshot.uuid).dat", codec: "metadata")
    }

    /// An index's metadata in a snapshot: settings, mappings, aliases.
    public func indexMetadata(_ index: RepositoryData.Index, in snapshot: RepositoryData.Snapshot) throws(SnapshotReaderError)
        -> IndexMetadata
    {
        // From 7.9 on, identical index metadata is stored once and found through two lookups; before, by snapshot uuid.
        var blobKey = snapshot.uuid
        if let metaKey = snapshot.indexMetadataLookup[index.id], let identifier = data.indexMetadataIdentifiers[metaKey] {
            blobKey = identifier
        }
        let json = try readBlob("indices/\(index.id)/meta-\(blobKey).dat", codec: "index-metadata")
        return try IndexMetadata(json: json, name: index.name, file: "indices/\(index.id)/meta-\(blobKey).dat")
    }

    /// The Lucene files of one shard of an index in a snapshot, as a directory the Lucene reader can open.
    ///
    /// The shard's `snap-<snapshot uuid>.dat` (BlobStoreIndexShardSnapshot) lists every file; the shard's
    /// `index-<generation>` catalogue is not needed to read it (a restore does not read it either). An OpenSearch
    /// shallow copy writes `shallow-snap-<uuid>.dat` instead, which points into the cluster's remote segment store.
    public func shardDirectory(_ index: RepositoryData.Index, shard: Int, in snapshot: RepositoryData.Snapshot) throws(SnapshotReaderError)
        -> SnapshotShardDirectory
    {
        let folder = try ShardPathResolver(storage: storage).folder(index: index, shard: shard)
        let file = "\(folder)/snap-\(snapshot.uuid).dat"
        let shallow = "\(folder)/shallow-snap-\(snapshot.uuid).dat"
        if try !storage.blobExists(file) {
            if try storage.blobExists(shallow) || (try? isShallowCopy(snapshot)) == true {
                throw SnapshotReaderError.noSource(Self.shallowCopySentence(snapshot: snapshot, index: index.name, shard: shard))
            }
        }
        let label = "\(file) (the file list of shard \(shard) of index \(index.name) in snapshot \(snapshot.name))"
        let json = try readBlob(file, codec: "snapshot", label: label)
        guard let entries = json["files"]?.arrayValue else {
            throw SnapshotReaderError.corrupt(label, at: 0, "the shard snapshot lists no files")
        }
        var files: [ShardFile] = []
        for entry in entries { files.append(try ShardFile(json: entry, in: label)) }
        return SnapshotShardDirectory(
            storage: storage, folder: folder, files: files,
            displayName: "shard \(shard) of index \(index.name) in snapshot \(snapshot.name)")
    }

    /// Reads and checks the shard's catalogue `index-<generation>` (codec `snapshots`, BlobStoreIndexShardSnapshots) that
    /// `index-N` names: reading documents does not need it, but a later snapshot or restore does, so `--verify` checks it.
    public func verifyShardGeneration(_ index: RepositoryData.Index, shard: Int, in snapshot: RepositoryData.Snapshot)
        throws(SnapshotReaderError)
    {
        guard index.shardGenerations.indices.contains(shard), let generation = index.shardGenerations[shard] else { return }
        let folder = try ShardPathResolver(storage: storage).folder(index: index, shard: shard)
        let file = "\(folder)/index-\(generation)"
        let label =
            "\(file) (the catalogue of shard \(shard) of index \(index.name), generation \(generation), read for snapshot \(snapshot.name))"
        let json = try readBlob(file, codec: "snapshots", label: label)
        guard json["snapshots"] != nil, json["files"]?.arrayValue != nil else {
            throw SnapshotReaderError.corrupt(label, at: 0, "the shard catalogue has no 'snapshots' and 'files'")
        }
    }

    /// Whether the snapshot is an OpenSearch shallow copy (`remote_store_index_shallow_copy`, or a timestamp-pinned
    /// snapshot of OpenSearch 2.17+/3.x): its segments stay in the cluster's remote store, so this repository alone
    /// cannot give the documents back.
    public func isShallowCopy(_ snapshot: RepositoryData.Snapshot) throws(SnapshotReaderError) -> Bool {
        let info = try snapshotInfo(snapshot)
        let body = info["snapshot"] ?? info
        return body["remote_store_index_shallow_copy"]?.boolValue == true || (body["pinned_timestamp"]?.intValue ?? 0) > 0
    }

    /// Refuses a shallow-copy snapshot before any work starts.
    public func requireFullCopy(_ snapshot: RepositoryData.Snapshot, indices: [RepositoryData.Index]) throws(SnapshotReaderError) {
        guard try isShallowCopy(snapshot), let first = indices.first else { return }
        throw SnapshotReaderError.noSource(Self.shallowCopySentence(snapshot: snapshot, index: first.name, shard: nil))
    }

    static func shallowCopySentence(snapshot: RepositoryData.Snapshot, index: String, shard: Int?) -> String {
        let what = shard.map { "Shard \($0) of index \(index)" } ?? "Index \(index)"
        return
            "\(what) in snapshot \(snapshot.name) is an OpenSearch shallow copy (remote-store snapshot): its segments are in the cluster's remote segment store, not in this repository; restore the snapshot with OpenSearch, or take a full snapshot into a repository without remote_store_index_shallow_copy and read that one."
    }

    /// - Parameter label: how errors name the file (the path, and for shard blobs which shard it belongs to).
    func readBlob(_ relativePath: String, codec: String, label: String? = nil) throws(SnapshotReaderError) -> JSONValue {
        let name = label ?? relativePath
        let file = try storage.read(relativePath, name: name)
        let blob = try ChecksumBlob.read(file, codec: codec)
        do {
            return try JSONValue.parse(blob.json)
        } catch {
            throw SnapshotReaderError.corrupt(name, at: 0, "the metadata does not decode to JSON")
        }
    }
}
