import TernCore

/// One resumable piece of a backfill: an index slice of a live source, a shard of a snapshot, a Lucene folder or a file.
/// Its progress is committed only after the target acknowledged all of its documents; redoing it is safe because
/// writes keep `_id` (and versions).
public struct BackfillUnit: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Slice `slice` of `count` of a live index.
        case slice(Int, of: Int)
        /// A shard of an index in a snapshot.
        case shard(Int)
        /// Part `part` of `count` of a large shard: in every segment, the stored-field chunks that start in the part's
        /// share of the doc ids (a shared backfill's item, so that one huge shard keeps many workers busy).
        case shardPart(Int, part: Int, of: Int)
        /// A whole Lucene folder.
        case luceneFolder
        /// A whole ndjson file.
        case file
    }

    public var sourceIndex: String
    public var targetIndex: String
    public var kind: Kind
    /// The data stream `sourceIndex` backs, when it does: its documents go to the stream `targetIndex` names, with
    /// `create` (a stream takes nothing else), and the source is counted by stream.
    public var dataStream: String?

    public init(sourceIndex: String, targetIndex: String, kind: Kind, dataStream: String? = nil) {
        self.sourceIndex = sourceIndex
        self.targetIndex = targetIndex
        self.kind = kind
        self.dataStream = dataStream
    }

    /// What the unit's writes do: `create` into a data stream, else `index`.
    public var operation: Document.Operation { dataStream == nil ? .index : .create }

    /// The name the source counts the unit's documents under: its stream, else its index.
    public var countedSource: String { dataStream ?? sourceIndex }

    /// A stable name for the state store (`logs/slice-3-of-8`).
    public var key: String {
        switch kind {
        case .slice(let slice, let count): "\(sourceIndex)/slice-\(slice)-of-\(count)"
        case .shard(let shard): "\(sourceIndex)/shard-\(shard)"
        case .shardPart(let shard, let part, let count): "\(sourceIndex)/shard-\(shard)-part-\(part)-of-\(count)"
        case .luceneFolder: "\(sourceIndex)/lucene"
        case .file: "\(sourceIndex)/file"
        }
    }
}

extension BackfillUnit {
    /// The unit as a coordination document states it.
    var fields: [String: String] {
        var fields = ["source_index": sourceIndex, "target_index": targetIndex]
        switch kind {
        case .slice(let slice, let count): fields.merge(["kind": "slice", "slice": "\(slice)", "of": "\(count)"]) { $1 }
        case .shard(let shard): fields.merge(["kind": "shard", "shard": "\(shard)"]) { $1 }
        case .shardPart(let shard, let part, let count):
            fields.merge(["kind": "shard-part", "shard": "\(shard)", "part": "\(part)", "of": "\(count)"]) { $1 }
        case .luceneFolder: fields["kind"] = "lucene"
        case .file: fields["kind"] = "file"
        }
        if let dataStream { fields["data_stream"] = dataStream }
        return fields
    }

    /// The unit a coordination document states, or nil when it does not state one this version knows.
    init?(fields: [String: String]) {
        guard let source = fields["source_index"], let target = fields["target_index"], let kind = fields["kind"] else { return nil }
        let number = { (name: String) in fields[name].flatMap { Int($0) } }
        let stream = fields["data_stream"]
        switch kind {
        case "slice":
            guard let slice = number("slice"), let count = number("of") else { return nil }
            self.init(sourceIndex: source, targetIndex: target, kind: .slice(slice, of: count), dataStream: stream)
        case "shard":
            guard let shard = number("shard") else { return nil }
            self.init(sourceIndex: source, targetIndex: target, kind: .shard(shard), dataStream: stream)
        case "shard-part":
            guard let shard = number("shard"), let part = number("part"), let count = number("of") else { return nil }
            self.init(sourceIndex: source, targetIndex: target, kind: .shardPart(shard, part: part, of: count), dataStream: stream)
        case "lucene": self.init(sourceIndex: source, targetIndex: target, kind: .luceneFolder)
        case "file": self.init(sourceIndex: source, targetIndex: target, kind: .file)
        default: return nil
        }
    }

    /// Whether the unit reads its documents in the same order every time, so that a new holder can skip the ones a
    /// checkpoint says are on the target. A live slice cannot: another worker's point in time sees another index.
    var readsInFixedOrder: Bool {
        switch kind {
        case .slice: false
        case .shard, .shardPart, .luceneFolder, .file: true
        }
    }
}
