import Foundation
import TernCore

/// An `fs` snapshot repository on disk (a shared-filesystem repository, or a copy of an S3/GCS/Azure bucket's contents).
public struct SnapshotRepository: Sendable {
    public let path: String
    public let data: RepositoryData

    /// Opens a repository by reading its newest `index-N` catalogue.
    public init(path: String) throws(SnapshotReaderError) {
        self.path = path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw SnapshotReaderError.invalidInput(
                "\(path) is not a folder; give the root folder of an fs snapshot repository (the one holding index-N files).")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        // Listing beats index.latest: that file is only a hint and some copies leave it stale.
        let generations = names.compactMap { name -> Int? in
            guard name.hasPrefix("index-") else { return nil }
            return Int(name.dropFirst("index-".count))
        }
        guard let generation = generations.max() else {
            throw SnapshotReaderError.invalidInput(
                "\(path) is not a snapshot repository: it has no index-N file. Give the repository's root folder (the path.repo location registered with the cluster)."
            )
        }
        let name = "index-\(generation)"
        let file = try LuceneFile.map(path: (path as NSString).appendingPathComponent(name), name: name)
        let json: JSONValue
        do {
            json = try file.withBytes { try JSONValue.parse($0) }
        } catch {
            throw SnapshotReaderError.corrupt(name, at: 0, "the repository catalogue is not valid JSON")
        }
        data = try RepositoryData(json: json, generation: generation, name: name)
    }

    /// A snapshot by name.
    public func snapshot(named name: String) throws(SnapshotReaderError) -> RepositoryData.Snapshot {
        guard let snapshot = data.snapshots.first(where: { $0.name == name }) else {
            let known = data.snapshots.map(\.name).joined(separator: ", ")
            throw SnapshotReaderError.invalidInput("No snapshot '\(name)' in \(path); it holds: \(known.isEmpty ? "none" : known).")
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
    public func shardDirectory(_ index: RepositoryData.Index, shard: Int, in snapshot: RepositoryData.Snapshot) throws(SnapshotReaderError)
        -> SnapshotShardDirectory
    {
        let file = "indices/\(index.id)/\(shard)/snap-\(snapshot.uuid).dat"
        let json = try readBlob(file, codec: "snapshot")
        guard let entries = json["files"]?.arrayValue else {
            throw SnapshotReaderError.corrupt(file, at: 0, "the shard snapshot lists no files")
        }
        var files: [ShardFile] = []
        for entry in entries { files.append(try ShardFile(json: entry, in: file)) }
        return SnapshotShardDirectory(
            folder: (path as NSString).appendingPathComponent("indices/\(index.id)/\(shard)"), files: files,
            displayName: "shard \(shard) of index \(index.name) in snapshot \(snapshot.name)")
    }

    func readBlob(_ relativePath: String, codec: String) throws(SnapshotReaderError) -> JSONValue {
        let file = try LuceneFile.map(path: (path as NSString).appendingPathComponent(relativePath), name: relativePath)
        let blob = try ChecksumBlob.read(file, codec: codec)
        do {
            return try JSONValue.parse(blob.json)
        } catch {
            throw SnapshotReaderError.corrupt(relativePath, at: 0, "the metadata does not decode to JSON")
        }
    }
}
