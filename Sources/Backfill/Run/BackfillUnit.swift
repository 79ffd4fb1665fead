/// One resumable piece of a backfill: an index slice of a live source, a shard of a snapshot, a Lucene folder or a file.
/// Its progress is committed only after the target acknowledged all of its documents; redoing it is safe because
/// writes keep `_id` (and versions).
public struct BackfillUnit: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Slice `slice` of `count` of a live index.
        case slice(Int, of: Int)
        /// A shard of an index in a snapshot.
        case shard(Int)
        /// A whole Lucene folder.
        case luceneFolder
        /// A whole ndjson file.
        case file
    }

    public var sourceIndex: String
    public var targetIndex: String
    public var kind: Kind

    public init(sourceIndex: String, targetIndex: String, kind: Kind) {
        self.sourceIndex = sourceIndex
        self.targetIndex = targetIndex
        self.kind = kind
    }

    /// A stable name for the state store (`logs/slice-3-of-8`).
    public var key: String {
        switch kind {
        case .slice(let slice, let count): "\(sourceIndex)/slice-\(slice)-of-\(count)"
        case .shard(let shard): "\(sourceIndex)/shard-\(shard)"
        case .luceneFolder: "\(sourceIndex)/lucene"
        case .file: "\(sourceIndex)/file"
        }
    }
}
