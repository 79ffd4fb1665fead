import SearchClient
import TernCore

/// Reads the (id, digest) of every document of one index of a live cluster, with sliced reads several at a time, into
/// ``DigestPartitions``. Sources are digested page by page and dropped: memory holds a few pages, not the index.
public struct DocumentDigestReader: Sendable {
    /// How the index is read and which documents count.
    public struct Options: Sendable {
        /// Slices the index is read in (each a separate scroll or point in time).
        public var slices: Int
        /// Slices read at the same time.
        public var concurrency: Int
        /// Documents per request.
        public var pageSize: Int
        /// Scroll by default: its slices hash `_id` on every version and it is the fast path on every cluster.
        public var mode: ReadMode
        public var keepAlive: String
        /// Share of ids kept (0...1), by a hash of `_id`, so both sides keep the same ids. The cluster still sends every
        /// document (no version offers a stable id-hash filter on both sides); sampling saves the digests and the disk.
        public var sampleRate: Double
        /// Applied to each document before it is digested (on the source side, the transforms the backfill applied);
        /// returning nil leaves the document out, as a backfill that drops it would.
        public var transform: (@Sendable (Document) throws -> Document?)?

        public init(
            slices: Int = 4, concurrency: Int = 4, pageSize: Int = 1000, mode: ReadMode = .scroll, keepAlive: String = "5m",
            sampleRate: Double = 1, transform: (@Sendable (Document) throws -> Document?)? = nil
        ) {
            self.slices = slices
            self.concurrency = concurrency
            self.pageSize = pageSize
            self.mode = mode
            self.keepAlive = keepAlive
            self.sampleRate = sampleRate
            self.transform = transform
        }
    }

    /// How many documents a read saw and how many it digested (the sampled ones the transform kept).
    public struct Summary: Sendable, Equatable {
        public var read: Int64 = 0
        public var digested: Int64 = 0

        public init(read: Int64 = 0, digested: Int64 = 0) {
            self.read = read
            self.digested = digested
        }
    }

    public let client: SearchClient
    public let cluster: ClusterInfo
    public let options: Options

    /// - Parameters:
    ///   - client: the cluster to read.
    ///   - cluster: who it is (``SearchClient/info(retries:)``), for the request shapes of its version.
    public init(client: SearchClient, cluster: ClusterInfo, options: Options = Options()) {
        self.client = client
        self.cluster = cluster
        self.options = options
    }

    /// Digests every (sampled) document of `index` into `partitions`; does not finish them.
    /// - Throws: `TernError`: the reader's errors (`.indexNotFound`, `.searchContextExpired`, `.incompleteRead`), a source
    ///   that is not JSON (`.badResponse`), a digest file that cannot be written; `.invalidArgument` for bad options.
    public func read(index: String, into partitions: DigestPartitions) async throws -> Summary {
        guard options.slices > 0, options.concurrency > 0, (0...1).contains(options.sampleRate) else {
            throw TernError(
                .invalidArgument,
                "Validation needs at least one slice read at a time and a sample rate between 0 and 1 (got \(options.slices) slices, \(options.concurrency) at a time, rate \(options.sampleRate))."
            )
        }
        return try await withThrowingTaskGroup(of: Summary.self) { group in
            var next = 0
            var total = Summary()
            while next < min(options.concurrency, options.slices) {
                let slice = next
                group.addTask { try await readSlice(slice, index: index, into: partitions) }
                next += 1
            }
            while let done = try await group.next() {
                total.read += done.read
                total.digested += done.digested
                if next < options.slices {
                    let slice = next
                    group.addTask { try await readSlice(slice, index: index, into: partitions) }
                    next += 1
                }
            }
            return total
        }
    }

    private func readSlice(_ slice: Int, index: String, into partitions: DigestPartitions) async throws -> Summary {
        let readOptions = LiveReadOptions(mode: options.mode, pageSize: options.pageSize, keepAlive: options.keepAlive)
        var canonicalizer = CanonicalDigest.Canonicalizer()
        var summary = Summary()
        var records: [DigestRecord] = []
        _ = try await client.readSlice(
            index: index, slice: slice, of: options.slices, mode: options.mode, options: readOptions, cluster: cluster
        ) { documents in
            records.removeAll(keepingCapacity: true)
            summary.read += Int64(documents.count)
            for original in documents where DigestRecord.isSampled(original.id, rate: options.sampleRate) {
                guard let document = try options.transform.map({ try $0(original) }) ?? original else { continue }
                let digest: CanonicalDigest
                do {
                    digest = try canonicalizer.digest(document.source)
                } catch let error as TernError {
                    throw TernError(
                        error.kind, "Document '\(original.id)' of index '\(index)' on the \(client.displayName): \(error.message)")
                }
                records.append(DigestRecord(id: original.id, routing: document.routing, digest: digest))
            }
            summary.digested += Int64(records.count)
            try partitions.append(records)
            return true
        }
        return summary
    }
}
