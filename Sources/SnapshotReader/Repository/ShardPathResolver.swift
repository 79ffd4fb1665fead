import Foundation
import TernCore

/// Finds the folder of a shard in a repository.
///
/// Classic layout (every Elasticsearch, OpenSearch before 2.17, and OpenSearch's default `shard_path_type: fixed`):
/// `indices/<index id>/<shard>`. OpenSearch 2.17+ repositories registered with `shard_path_type: hashed_prefix` or
/// `hashed_infix` put each shard folder under a hash of its path (`<hash>/indices/<id>/<shard>` when the repository has
/// no base path) and record the paths of each index in `snapshot_shard_paths/[snapshot_path_]<id>.<name>.<shards>.<type>.<algo>`,
/// a plain JSON object with a `paths` array (one per shard, relative to the bucket, ending in `/`). That file is the
/// authority; a hashed folder holding `indices/<id>/<shard>` is the fallback, so the FNV-1a path hash (whose input changed
/// between OpenSearch releases) is never recomputed here.
struct ShardPathResolver: Sendable {
    let storage: any RepositoryStorage

    static let shardPathsFolder = "snapshot_shard_paths"
    static let shardPathsPrefix = "snapshot_path_"

    /// The shard's folder, relative to the repository root.
    func folder(index: RepositoryData.Index, shard: Int) throws(SnapshotReaderError) -> String {
        let classic = "indices/\(index.id)/\(shard)"
        if index.shardPathType == 0 { return classic }
        if try storage.folderExists(classic) { return classic }
        if let listed = try listedFolder(index: index, shard: shard) { return listed }
        if let hashed = try hashedFolder(classic) { return hashed }
        throw SnapshotReaderError.missing(
            classic,
            "shard \(shard) of index \(index.name) uses OpenSearch's hashed shard paths (shard_path_type \(index.shardPathType)) and neither \(Self.shardPathsFolder)/ nor a hashed folder names it; copy the whole bucket, hashed top-level folders included, and give its repository folder"
        )
    }

    /// The path `snapshot_shard_paths/` records for the shard, resolved against the root or, when the repository had a
    /// base path inside its bucket (hashed prefixes sit above it), against the root's ancestors.
    private func listedFolder(index: RepositoryData.Index, shard: Int) throws(SnapshotReaderError) -> String? {
        let names = try storage.list(Self.shardPathsFolder)
        guard
            let name = names.sorted().first(where: {
                let bare = $0.hasPrefix(Self.shardPathsPrefix) ? String($0.dropFirst(Self.shardPathsPrefix.count)) : $0
                return bare.hasPrefix(index.id + ".")
            })
        else { return nil }
        let relative = "\(Self.shardPathsFolder)/\(name)"
        let file = try storage.read(relative, name: relative)
        let json: JSONValue
        do {
            json = try file.withBytes { (bytes) throws in try JSONValue.parse(bytes) }
        } catch {
            throw SnapshotReaderError.corrupt(relative, at: 0, "the shard path list of index \(index.name) is not valid JSON")
        }
        guard let paths = json["paths"]?.arrayValue else {
            throw SnapshotReaderError.corrupt(relative, at: 0, "the shard path list of index \(index.name) has no 'paths'")
        }
        guard paths.indices.contains(shard), let path = paths[shard].stringValue else {
            throw SnapshotReaderError.corrupt(
                relative, at: 0, "the shard path list of index \(index.name) names \(paths.count) shards, not shard \(shard)")
        }
        let parts = path.split(separator: "/").map(String.init)
        guard !parts.isEmpty, !parts.contains(".."), parts.suffix(3) == ["indices", index.id, String(shard)] else {
            throw SnapshotReaderError.corrupt(
                relative, at: 0, "the path '\(path)' of shard \(shard) is not a shard folder of index \(index.name)")
        }
        // Hashed prefixes come before the repository's base path: try the root, then each folder above it.
        var base = ""
        for _ in 0..<parts.count {
            let candidate = base + parts.joined(separator: "/")
            if try storage.folderExists(candidate) { return candidate }
            base += "../"
        }
        return nil
    }

    /// `<hash>/indices/<id>/<shard>` under the root, found by listing the root's folders.
    private func hashedFolder(_ classic: String) throws(SnapshotReaderError) -> String? {
        for name in try storage.list("").sorted() where try storage.folderExists("\(name)/\(classic)") {
            return "\(name)/\(classic)"
        }
        return nil
    }
}
