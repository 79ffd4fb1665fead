import SearchClient
import TernCore

/// Makes one target index hold what its source index holds, for the documents a validation found different: extra
/// target documents are deleted first (a copy under another routing lives in another shard), then missing and
/// different ones are copied from the source as they are now.
///
/// Writes use `version_type: external_gte` with the larger of the source's version (`_seq_no`, else `_version`) and the
/// target copy's: the source content wins over whatever the target holds, and a replay that later carries a newer
/// source version still applies.
public struct IndexRepair: Sendable {
    /// What one index's repair did.
    public struct Result: Sendable, Equatable, Codable {
        public var sourceIndex: String
        public var targetIndex: String
        /// Documents written from the source.
        public var copied: Int64 = 0
        /// Documents deleted from the target (extra, or gone from the source since the comparison).
        public var deleted: Int64 = 0
        /// Writes the target refused because it already held a newer version (a concurrent replay got there first).
        public var alreadyNewer: Int64 = 0
        /// Documents that could not be repaired, and the first reasons.
        public var failed: Int64 = 0
        public var failures: [String] = []

        public init(sourceIndex: String, targetIndex: String) {
            self.sourceIndex = sourceIndex
            self.targetIndex = targetIndex
        }

        enum CodingKeys: String, CodingKey {
            case sourceIndex = "source_index"
            case targetIndex = "target_index"
            case copied, deleted, failed, failures
            case alreadyNewer = "already_newer"
        }
    }

    public let source: SearchClient
    public let sourceCluster: ClusterInfo
    public let target: SearchClient
    public let targetCluster: ClusterInfo
    /// Documents fetched and written per request.
    public var batchSize = 500
    /// Failure reasons kept in the result.
    public var failureSampleLimit = 20

    public init(source: SearchClient, sourceCluster: ClusterInfo, target: SearchClient, targetCluster: ClusterInfo) {
        self.source = source
        self.sourceCluster = sourceCluster
        self.target = target
        self.targetCluster = targetCluster
    }

    /// Repairs every difference recorded in `differences` (made by comparing `sourceIndex` with `targetIndex`).
    /// - Throws: `TernError` when either cluster cannot be reached or the list cannot be read.
    public func run(sourceIndex: String, targetIndex: String, differences: DocumentDifferences) async throws -> Result {
        var result = Result(sourceIndex: sourceIndex, targetIndex: targetIndex)
        let writer = BulkWriter(
            client: target,
            options: BulkWriterOptions(versioning: .externalGTE, needsType: BulkWriterOptions.needsType(for: targetCluster.version)))
        try await differences.forEachBatch(of: batchSize) { batch in
            let extras = batch.filter { $0.kind == .extra }
            guard !extras.isEmpty else { return }
            let found = try await target.multiGet(
                extras.map { DocumentKey(index: targetIndex, id: $0.id, routing: $0.routing) }, cluster: targetCluster)
            var deletions: [Document] = []
            for (entry, answer) in zip(extras, found) {
                switch answer {
                case .found(let copy): deletions.append(Self.deletion(of: copy, routing: entry.routing))
                case .notFound: break
                case .failed(let reason): note("\(targetIndex)/\(entry.id): \(reason)", in: &result)
                }
            }
            try await write(deletions, with: writer, into: &result)
        }
        try await differences.forEachBatch(of: batchSize) { batch in
            let wanted = batch.filter { $0.kind != .extra }
            guard !wanted.isEmpty else { return }
            async let fromSource = source.multiGet(
                wanted.map { DocumentKey(index: sourceIndex, id: $0.id, routing: $0.routing) }, cluster: sourceCluster)
            async let onTarget = target.multiGet(
                wanted.map { DocumentKey(index: targetIndex, id: $0.id, routing: $0.routing) }, cluster: targetCluster)
            let answers = (source: try await fromSource, target: try await onTarget)
            var writes: [Document] = []
            for (position, entry) in wanted.enumerated() {
                var targetVersion: Int64?
                if case .found(let copy) = answers.target[position] { targetVersion = copy.version }
                switch answers.source[position] {
                case .found(var document):
                    let version = max(BulkBody.externalVersion(of: document) ?? 0, targetVersion ?? 0)
                    document.index = targetIndex
                    document.seqNo = version
                    document.version = version
                    writes.append(document)
                case .notFound:
                    // Deleted on the source since it was compared: the target copy goes too.
                    if case .found(let copy) = answers.target[position] { writes.append(Self.deletion(of: copy, routing: entry.routing)) }
                case .failed(let reason):
                    note("\(sourceIndex)/\(entry.id): \(reason)", in: &result)
                }
            }
            try await write(writes, with: writer, into: &result)
        }
        return result
    }

    /// A deletion that carries the target copy's own version, so `external_gte` accepts it and the tombstone does not
    /// outrank the source copy written after it.
    private static func deletion(of copy: Document, routing: String?) -> Document {
        Document(
            index: copy.index, id: copy.id, type: copy.type, routing: copy.routing ?? routing, seqNo: copy.version, version: copy.version,
            source: [], operation: .delete)
    }

    /// Deletions and copies go in separate calls so that each outcome counts one kind.
    private func write(_ documents: [Document], with writer: BulkWriter, into result: inout Result) async throws {
        for operation in [Document.Operation.delete, .index] {
            let group = documents.filter { $0.operation == operation }
            guard !group.isEmpty else { continue }
            let outcome = try await writer.write(group)
            if operation == .delete { result.deleted += Int64(outcome.written) } else { result.copied += Int64(outcome.written) }
            result.alreadyNewer += Int64(outcome.alreadyNewer)
            for failure in outcome.failed {
                note("\(failure.document.index)/\(failure.document.id): \(failure.errorType) \(failure.reason)", in: &result)
            }
        }
    }

    private func note(_ reason: String, in result: inout Result) {
        result.failed += 1
        if result.failures.count < failureSampleLimit { result.failures.append(reason) }
    }
}
