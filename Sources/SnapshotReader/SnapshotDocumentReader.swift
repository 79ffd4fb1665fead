import Foundation
import TernCore

/// Reads Elasticsearch documents out of snapshot repositories and Lucene folders, one unit of work per shard.
public enum SnapshotDocumentReader {
    /// How documents are read.
    public struct Options: Sendable {
        /// Documents per batch.
        public var batchSize: Int
        /// Shards read at once.
        public var concurrency: Int
        /// Batches that may wait for the consumer before readers pause.
        public var bufferedBatches: Int
        /// Also verify the CRC32 of every large Lucene file (a full extra pass).
        public var verifyChecksums: Bool
        /// False to count documents without keeping their sources.
        public var keepSource: Bool

        public init(
            batchSize: Int = 1000, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount, bufferedBatches: Int = 8,
            verifyChecksums: Bool = false, keepSource: Bool = true
        ) {
            self.batchSize = batchSize
            self.concurrency = concurrency
            self.bufferedBatches = bufferedBatches
            self.verifyChecksums = verifyChecksums
            self.keepSource = keepSource
        }
    }

    /// The live documents of `indices` in a snapshot.
    /// - Throws: when an index's metadata cannot be read, its `_source` is disabled or synthetic, or the snapshot is an
    ///   OpenSearch shallow copy; with fewer shards than threads, also when a shard cannot be opened (others fail while
    ///   their documents are read).
    public static func batches(
        repository: SnapshotRepository, snapshot: RepositoryData.Snapshot, indices: [RepositoryData.Index], options: Options = Options()
    ) throws(SnapshotReaderError) -> DocumentBatches {
        try repository.requireFullCopy(snapshot, indices: indices)
        var shards: [(index: RepositoryData.Index, type: String?, shard: Int)] = []
        for index in indices {
            let metadata = try repository.indexMetadata(index, in: snapshot)
            if let refusal = metadata.sourceMode.refusal(index: index.name, snapshot: snapshot.name) {
                throw SnapshotReaderError.noSource(refusal)
            }
            let type = singleMappingType(metadata)
            shards += (0..<metadata.numberOfShards).map { (index, type, $0) }
        }
        var jobs: [DocumentBatches.Job] = []
        if shards.count < options.concurrency {
            // Fewer shards than threads (one force-merged shard, say): open them now and cut their large segments into
            // shares, so that every thread has work.
            for (index, type, shard) in shards {
                let advice = snapshotAdvice(index: index.name, snapshot: snapshot.name)
                let (reader, location) = try openShard(
                    repository, snapshot: snapshot, index: index, shard: shard, verify: options.verifyChecksums, advice: advice)
                jobs += reader.shares(threads: options.concurrency).map { share in
                    { sink in
                        try read(
                            reader, shares: [share], index: index.name, type: type, location: location, advice: advice, options: options,
                            sink: sink)
                    }
                }
            }
        } else {
            // Shards are the units: each opened by the thread that reads it, when it comes to it.
            for (index, type, shard) in shards {
                let advice = snapshotAdvice(index: index.name, snapshot: snapshot.name)
                jobs.append { sink in
                    let (reader, location) = try openShard(
                        repository, snapshot: snapshot, index: index, shard: shard, verify: options.verifyChecksums, advice: advice)
                    try read(
                        reader, shares: reader.shares(threads: 1), index: index.name, type: type, location: location, advice: advice,
                        options: options, sink: sink)
                }
            }
        }
        return DocumentBatches(jobs: jobs, concurrency: options.concurrency, bufferedBatches: options.bufferedBatches)
    }

    /// The live documents of one shard of an index in a snapshot: the unit of a resumable backfill.
    ///
    /// With `part`/`parts`, only the part's share of the shard: in every segment, the stored-fields chunks whose first
    /// document falls in the part's equal share of the doc ids. The parts of a shard together read each chunk exactly
    /// once, whatever the segments look like, so they can be planned before the shard is opened.
    public static func shardBatches(
        repository: SnapshotRepository, snapshot: RepositoryData.Snapshot, index: RepositoryData.Index, metadata: IndexMetadata, shard: Int,
        part: Int = 0, of parts: Int = 1, options: Options = Options()
    ) -> DocumentBatches {
        let type = singleMappingType(metadata)
        return DocumentBatches(
            jobs: [
                { sink in
                    let advice = snapshotAdvice(index: index.name, snapshot: snapshot.name)
                    let (reader, location) = try openShard(
                        repository, snapshot: snapshot, index: index, shard: shard, verify: options.verifyChecksums, advice: advice)
                    try read(
                        reader, shares: parts > 1 ? reader.shares(part: part, of: parts) : reader.shares(threads: 1), index: index.name,
                        type: type, location: location, advice: advice, options: options, sink: sink)
                }
            ], concurrency: 1, bufferedBatches: options.bufferedBatches)
    }

    /// The live documents of a plain Lucene index folder (such as `indices/<uuid>/<shard>/index` of a stopped node), read by
    /// `options.concurrency` threads: segments, and large segments cut into shares.
    /// - Throws: when the folder holds no readable Lucene commit.
    public static func batches(luceneFolder: String, index: String, options: Options = Options()) throws(SnapshotReaderError)
        -> DocumentBatches
    {
        let directory = FolderDirectory(path: luceneFolder)
        let advice =
            "the index folder \(luceneFolder) is damaged: read this shard from a snapshot or from another copy of it (a replica's folder)"
        let reader = try advising(advice) { () throws(SnapshotReaderError) in
            try LuceneIndexReader(directory: directory, verifyChecksums: options.verifyChecksums)
        }
        let location = directory.displayName
        let jobs: [DocumentBatches.Job] = reader.shares(threads: options.concurrency).map { share in
            { sink in
                try read(reader, shares: [share], index: index, type: nil, location: location, advice: advice, options: options, sink: sink)
            }
        }
        return DocumentBatches(jobs: jobs, concurrency: options.concurrency, bufferedBatches: options.bufferedBatches)
    }

    /// Opens one shard of a snapshot (checking its shard generation first when `verify`), and names where it is.
    static func openShard(
        _ repository: SnapshotRepository, snapshot: RepositoryData.Snapshot, index: RepositoryData.Index, shard: Int, verify: Bool,
        advice: String
    ) throws(SnapshotReaderError) -> (LuceneIndexReader, location: String) {
        try advising(advice) { () throws(SnapshotReaderError) in
            if verify { try repository.verifyShardGeneration(index, shard: shard, in: snapshot) }
            let directory = try repository.shardDirectory(index, shard: shard, in: snapshot)
            return (try LuceneIndexReader(directory: directory, verifyChecksums: verify), directory.displayName)
        }
    }

    /// Reads `shares` of an open index into the sink, until done or until the consumer stops.
    /// - Parameter advice: what to do about a damaged file, added to the error's sentence.
    static func read(
        _ reader: LuceneIndexReader, shares: [LuceneIndexReader.Share], index: String, type: String?, location: String,
        advice: String, options: Options, sink: DocumentSink
    ) throws {
        var visitor = ElasticsearchDocumentVisitor(
            index: index, type: type, location: location, keepSource: options.keepSource, batchSize: options.batchSize, emit: sink.emit)
        do {
            for share in shares {
                try reader.visitLiveDocuments(share, visitor: &visitor)
            }
            try visitor.flush()
        } catch is ElasticsearchDocumentVisitor.Stopped {
            return
        } catch let error as SnapshotReaderError {
            throw error.advising(advice)
        }
    }

    /// What to do about a damaged file of a snapshot's shard.
    static func snapshotAdvice(index: String, snapshot: String) -> String {
        "the repository's copy is damaged: copy that blob again from the repository's storage, or read index \(index) from another snapshot than \(snapshot)"
    }

    /// Runs `body`, adding `advice` to the sentence of a damaged file.
    static func advising<R>(_ advice: String, _ body: () throws(SnapshotReaderError) -> R) throws(SnapshotReaderError) -> R {
        do {
            return try body()
        } catch {
            throw error.advising(advice)
        }
    }

    /// The custom mapping type of a 5.x/6.x index with exactly one, or nil for typeless indices and `_doc` (which is how
    /// 7.x snapshots store typeless mappings).
    static func singleMappingType(_ metadata: IndexMetadata) -> String? {
        let mappingKeys: Set<String> = [
            "properties", "_source", "dynamic", "_meta", "_routing", "dynamic_templates", "_all", "date_detection", "numeric_detection",
        ]
        guard let mappings = metadata.json["mappings"]?.objectValue, mappings.count == 1, let name = mappings.keys.first,
            !mappingKeys.contains(name), name != "_doc", mappings[name]?.objectValue != nil
        else { return nil }
        return name
    }
}
