/// A set of Lucene files: a plain folder, the file list of a shard in a snapshot, or the inside of a compound file.
public protocol LuceneDirectory: Sendable {
    /// Names the directory in messages (`/data/nodes/0/indices/x/0/index`, `shard 0 of index logs in snapshot s1`).
    var displayName: String { get }
    /// The Lucene file names it holds (`segments_5`, `_0.cfs`, ...).
    func fileNames() throws(SnapshotReaderError) -> [String]
    /// The bytes of one file.
    func open(_ name: String) throws(SnapshotReaderError) -> LuceneFile
}
