import Foundation

/// Where a snapshot repository's blobs are: a folder on disk, or a bucket of an object store.
///
/// Paths are relative to the repository's root (its `base_path`), use `/`, and may climb above it with `../` (OpenSearch's
/// hashed shard paths sit above the base path). The calls block: the Lucene reader that uses them runs on threads of its
/// own, and an object store answers on its own event loops.
public protocol RepositoryStorage: Sendable {
    /// Names the repository in messages: the folder, or `s3://bucket/base`.
    var location: String { get }
    /// The whole blob at `path`. `name` is how errors name it; `expectedLength`, when known, is checked.
    func read(_ path: String, name: String, expectedLength: Int?) throws(SnapshotReaderError) -> LuceneFile
    /// Whether a blob exists at `path`.
    func blobExists(_ path: String) throws(SnapshotReaderError) -> Bool
    /// Whether any blob lies under the folder `path`.
    func folderExists(_ path: String) throws(SnapshotReaderError) -> Bool
    /// The names directly under the folder `path` (blobs and folders, without their parent), or `[]` when there is none.
    func list(_ path: String) throws(SnapshotReaderError) -> [String]
    /// One file stored as consecutive parts (`__uuid.part0`, `.part1`, … when the repository sets `chunk_size`), joined.
    func readParts(_ paths: [String], name: String, expectedLength: Int) throws(SnapshotReaderError) -> LuceneFile
    /// Bytes fetched from a remote store so far, for progress; nil for a local folder.
    var bytesFetched: Int? { get }
}

extension RepositoryStorage {
    public var bytesFetched: Int? { nil }

    /// Joins the parts in memory: split files are rare, and a local folder's parts are mapped, not read.
    public func readParts(_ paths: [String], name: String, expectedLength: Int) throws(SnapshotReaderError) -> LuceneFile {
        var joined = Data(capacity: expectedLength)
        for path in paths {
            let piece = try read(path, name: name)
            piece.withBytes { joined.append(contentsOf: $0) }
        }
        return LuceneFile(name: name, data: joined)
    }

    /// The whole blob at `path`, its length unchecked.
    public func read(_ path: String, name: String) throws(SnapshotReaderError) -> LuceneFile {
        try read(path, name: name, expectedLength: nil)
    }
}
