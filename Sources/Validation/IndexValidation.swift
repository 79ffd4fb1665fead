import Foundation
import SearchClient
import TernCore

/// Validates one (source index, target index) pair: counts, then a digest of every document on both sides compared
/// partition by partition, so memory stays bounded by one partition whatever the index size.
public struct IndexValidation: Sendable {
    /// How both sides are read and compared.
    public struct Options: Sendable {
        /// Reading options for both sides; its `transform` applies to the source side only.
        public var reading: DocumentDigestReader.Options
        /// Ids kept of each kind of difference.
        public var sampleLimit: Int
        /// Records one partition may hold; the partition count follows from the larger count.
        public var recordsPerPartition: Int
        /// Where the partition files go while the pair is compared (removed afterwards).
        public var workFolder: String
        /// The writes still on their way to the target (clients writing through the capture proxy): a difference on a
        /// document they name is counted as in flight, not as a difference. Nil compares exactly.
        public var inFlight: (any InFlightWritesSource)?

        public init(
            reading: DocumentDigestReader.Options = DocumentDigestReader.Options(), sampleLimit: Int = 20,
            recordsPerPartition: Int = 1_000_000, workFolder: String = FileManager.default.temporaryDirectory.path,
            inFlight: (any InFlightWritesSource)? = nil
        ) {
            self.reading = reading
            self.sampleLimit = sampleLimit
            self.recordsPerPartition = recordsPerPartition
            self.workFolder = workFolder
            self.inFlight = inFlight
        }
    }

    public let source: SearchClient
    public let sourceCluster: ClusterInfo
    public let target: SearchClient
    public let targetCluster: ClusterInfo
    public let options: Options

    /// - Parameters:
    ///   - sourceCluster: who the source is (``SearchClient/info(retries:)``), for its request shapes; `targetCluster` the same.
    public init(source: SearchClient, sourceCluster: ClusterInfo, target: SearchClient, targetCluster: ClusterInfo, options: Options) {
        self.source = source
        self.sourceCluster = sourceCluster
        self.target = target
        self.targetCluster = targetCluster
        self.options = options
    }

    /// Refreshes the target index (so recent writes count), counts both sides, digests both and compares them; with
    /// ``Options/inFlight``, differences on documents with writes still on their way are counted apart.
    /// - Parameter differences: where every difference is recorded for a repair; nil to keep only samples.
    /// - Throws: `TernError` from reading either side or writing the digest files.
    public func run(sourceIndex: String, targetIndex: String, differences: DocumentDifferences? = nil) async throws -> IndexValidationResult
    {
        try await refresh(targetIndex)
        if options.inFlight != nil {
            // Clients write to the source meanwhile: every write the replay applied before the in-flight writes begin must be
            // visible in the source's read too, or a document it changed would differ from the (refreshed) target for real.
            // Best effort: a source that refuses leaves that race to its refresh interval.
            _ = try? await source.send(.POST, "/\(SearchClient.pathSegment(sourceIndex))/_refresh")
        }
        async let sourceCount = source.documentCount(index: sourceIndex, query: nil)
        async let targetCount = target.documentCount(index: targetIndex, query: nil)
        let counts = (source: try await sourceCount, target: try await targetCount)
        let rate = options.reading.sampleRate
        let expected = Int64((Double(max(counts.source, counts.target)) * min(1, max(0, rate))).rounded(.up))
        let partitionCount = DigestPartitions.partitionCount(expectedRecords: expected, recordsPerPartition: options.recordsPerPartition)
        let folder = "\(options.workFolder)/tern-validate-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sourceDigests = try DigestPartitions(folder: "\(folder)/source", partitionCount: partitionCount)
        let targetDigests = try DigestPartitions(folder: "\(folder)/target", partitionCount: partitionCount)
        var targetReading = options.reading
        // The target already holds transformed documents.
        targetReading.transform = nil
        let sourceReader = DocumentDigestReader(client: source, cluster: sourceCluster, options: options.reading)
        let targetReader = DocumentDigestReader(client: target, cluster: targetCluster, options: targetReading)
        async let sourceRead = sourceReader.read(index: sourceIndex, into: sourceDigests)
        async let targetRead = targetReader.read(index: targetIndex, into: targetDigests)
        let summaries = (source: try await sourceRead, target: try await targetRead)
        // Asked only now, with both sides read: a write logged while they were being read is in it.
        let writes = try await options.inFlight?.current()
        let comparison = try DigestPartitions.compare(
            source: sourceDigests, target: targetDigests, sampleLimit: options.sampleLimit, differences: differences,
            inFlight: writes.map { writes in { writes.contains(index: sourceIndex, id: $0) } })
        var result = IndexValidationResult(
            sourceIndex: sourceIndex, targetIndex: targetIndex, sourceCount: counts.source, targetCount: counts.target, sampleRate: rate,
            sourceDigested: summaries.source.digested, targetDigested: summaries.target.digested, comparison: comparison)
        // The log names the source's indices, as clients wrote to them.
        if let writes { result.noteInFlight(comparison, writes: writes) }
        return result
    }

    private func refresh(_ index: String) async throws {
        let path = "/\(SearchClient.pathSegment(index))/_refresh"
        let response = try await target.send(.POST, path)
        guard response.isSuccess else {
            throw TernError(
                response.status == 404 ? .indexNotFound : .httpStatus,
                "The \(target.displayName) answered POST \(path) with HTTP \(response.status); check that index '\(index)' exists and the user may refresh it."
            )
        }
    }
}
