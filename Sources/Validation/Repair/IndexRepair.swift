import SearchClient
import TernCore

/// Makes one target index hold what its source index holds, for the documents a validation found different, whatever
/// versions or delete tombstones the target's own history left: the repaired document ends equal to the source.
///
/// ## The rule
/// Each document is repaired from what both sides hold *now* (a real-time `_mget` of each, not the comparison's
/// snapshot), with a write that applies only to the target state it was planned against. Let S be the source's
/// version (`_seq_no`, else `_version`: what backfill and replay write as the external version) and Vt the target
/// copy's `_version`:
///
/// - the source holds the document, the target a copy: `index` with `version_type: external_gte` and version
///   max(S, Vt);
/// - the source holds it, the target none: `index` with `external_gte` S; when a delete tombstone at or above S refuses
///   that, `create` (internal versioning, which no tombstone refuses: the target gives the document the tombstone's
///   version + 1);
/// - the source holds none (an extra document, or one deleted on the source since the comparison), the target a copy:
///   `delete` with `external_gte` Vt.
///
/// A document counts as held under its `_id` *and* routing: an extra copy under another routing is deleted (extras go
/// first, since the right copy may live in another shard), and a source copy found only because another routing leads
/// to the same shard is not the one asked for.
///
/// Versions only grow, so `external_gte` with the version just read applies only while the target is unchanged (or
/// changed to an older version, which the source state overrides anyway); `create` applies only while there is no
/// document. A conflict (409) means something wrote the target in between (a live replay): both sides are read again
/// and the document planned again, up to ``maxAttempts`` rounds. A concurrent replay write carries the source state of
/// its time, and the source is read again too, so an older copy never overwrites a newer one.
///
/// ## What it leaves for a later replay
/// A replay writes a source state with its S as an external version: the target applies it only above the version it
/// holds. When the target's history is below the source's (the usual case: the target only ever got backfill and
/// replay writes, or a document is missing), the repaired document carries exactly S, the version a backfill would
/// have given it: a replay of an older source write is refused and a newer one applies, as if no repair had happened.
/// A target whose own history went above S (writes made on the target directly, or a delete tombstone at a higher
/// version) cannot be brought back down: the document carries max(S, Vt), or the tombstone's version + 1, and a replay
/// of a *newer* source write whose S' is not above that is refused as already newer, leaving the document different
/// until the next `tern validate --repair`. Such documents are counted in ``Result/versionsAhead`` (with a sample of
/// ids) so that the operator knows to validate again after the replay has drained. A deletion leaves a tombstone at the
/// target copy's version, which refuses a replayed re-creation at or below it until the target forgets it
/// (`index.gc_deletes`, 60 s by default). (Internal-versioned
/// `if_seq_no`/`if_primary_term` writes were not used: they add 1 to whatever version the target holds, so a target
/// *behind* the source would keep a version below S and a replay of an older source write would undo the repair.)
public struct IndexRepair: Sendable {
    /// What one index's repair did.
    public struct Result: Sendable, Equatable, Codable {
        public var sourceIndex: String
        public var targetIndex: String
        /// Documents written from the source.
        public var copied: Int64 = 0
        /// Documents deleted from the target (extra, or gone from the source since the comparison).
        public var deleted: Int64 = 0
        /// Repaired documents the target now holds at a version above the source's (its own history was ahead): a
        /// replay of a source write up to that version is refused as already newer, so validate again after a replay.
        public var versionsAhead: Int64 = 0
        /// The first of them, as `id (target version V, source version S)`.
        public var versionsAheadSample: [String] = []
        /// Writes the target refused (409) because it changed between the reads and the write (a live replay), or
        /// because a delete tombstone above the source's version held a missing document's place; each document was
        /// read and planned again.
        public var conflicts: Int64 = 0
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
            case copied, deleted, conflicts, failed, failures
            case versionsAhead = "versions_ahead"
            case versionsAheadSample = "versions_ahead_sample"
        }
    }

    public let source: SearchClient
    public let sourceCluster: ClusterInfo
    public let target: SearchClient
    public let targetCluster: ClusterInfo
    /// Documents read and written per round.
    public var batchSize = 500
    /// Failure reasons (and ids ahead of the source) kept in the result.
    public var failureSampleLimit = 20
    /// Rounds of reading both sides and writing before a document that changes every time is given up.
    public var maxAttempts = 8
    /// Tests: runs after the reads and before the writes of each round (1-based), to write in between like a replay.
    var beforeWriting: (@Sendable (_ round: Int) async throws -> Void)?

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
        // Extra copies first: one under the wrong routing must be gone before the right one is written elsewhere.
        try await differences.forEachBatch(of: batchSize) { batch in
            try await repair(batch.filter { $0.kind == .extra }, sourceIndex: sourceIndex, targetIndex: targetIndex, into: &result)
        }
        try await differences.forEachBatch(of: batchSize) { batch in
            try await repair(batch.filter { $0.kind != .extra }, sourceIndex: sourceIndex, targetIndex: targetIndex, into: &result)
        }
        return result
    }

    /// One document on its way, and what an earlier round learnt about it.
    private struct Pending {
        var entry: DocumentDifferences.Entry
        /// The source version an `external_gte` write of a missing document was refused at (a tombstone at or above).
        var refusedWhileAbsent: Int64?
    }

    /// What one round does with one document.
    private enum Plan {
        /// The target already holds what it should.
        case nothing
        case failure(String)
        /// `sourceVersion` is S for a copy, nil for a deletion.
        case write(ConditionalWrite, sourceVersion: Int64?)
    }

    /// Reads, plans and writes `entries` in rounds until each is repaired, failed or out of attempts.
    private func repair(_ entries: [DocumentDifferences.Entry], sourceIndex: String, targetIndex: String, into result: inout Result)
        async throws
    {
        var pending = entries.map { Pending(entry: $0) }
        let includeType = BulkWriterOptions.needsType(for: targetCluster.version)
        var round = 0
        var lastReason: [String: String] = [:]
        while !pending.isEmpty {
            round += 1
            guard round <= maxAttempts else {
                for item in pending {
                    note(
                        "\(targetIndex)/\(item.entry.id): not repaired in \(maxAttempts) attempts (last answer: \(lastReason[item.entry.id] ?? "a conflict")); run tern validate --repair again once writes calm down",
                        in: &result)
                }
                return
            }
            let sourceKeys = pending.map { DocumentKey(index: sourceIndex, id: $0.entry.id, routing: $0.entry.routing) }
            let targetKeys = pending.map { DocumentKey(index: targetIndex, id: $0.entry.id, routing: $0.entry.routing) }
            async let fromSource = source.multiGetAsStored(sourceKeys, cluster: sourceCluster)
            async let onTarget = target.multiGetAsStored(targetKeys, cluster: targetCluster)
            let answers = (source: try await fromSource, target: try await onTarget)
            var planned: [(item: Pending, write: ConditionalWrite, sourceVersion: Int64?, targetAbsent: Bool)] = []
            for (position, item) in pending.enumerated() {
                switch Self.plan(
                    item, source: answers.source[position], target: answers.target[position], sourceIndex: sourceIndex,
                    targetIndex: targetIndex)
                {
                case .nothing: break
                case .failure(let reason): note(reason, in: &result)
                case .write(let write, let sourceVersion):
                    planned.append((item, write, sourceVersion, answers.target[position] == .notFound))
                }
            }
            guard !planned.isEmpty else { return }
            if let beforeWriting { try await beforeWriting(round) }
            let outcomes = try await target.writeConditionally(planned.map(\.write), includeType: includeType)
            var again: [Pending] = []
            var busy = false
            for (plan, outcome) in zip(planned, outcomes) {
                let id = plan.item.entry.id
                switch outcome {
                case .applied(let version):
                    guard let sourceVersion = plan.sourceVersion else {
                        result.deleted += 1
                        continue
                    }
                    let kept = version ?? Self.version(of: plan.write.condition) ?? sourceVersion
                    if plan.write.condition == .absent && kept < sourceVersion {
                        // The tombstone that refused S was pruned in between (`index.gc_deletes`) and `create` started
                        // below S: write S over it, so that a replay of an older source write cannot undo the repair.
                        again.append(Pending(entry: plan.item.entry))
                        continue
                    }
                    result.copied += 1
                    if kept > sourceVersion {
                        result.versionsAhead += 1
                        if result.versionsAheadSample.count < failureSampleLimit {
                            result.versionsAheadSample.append("\(id) (target version \(kept), source version \(sourceVersion))")
                        }
                    }
                case .nothingToDelete:
                    break
                case .conflict(let reason):
                    result.conflicts += 1
                    lastReason[id] = reason
                    var next = plan.item
                    // A missing document refused at S: a tombstone holds a version at or above S, and only `create`
                    // gets past it (unless the next reads find the document, or a newer S).
                    if plan.targetAbsent, case .versionAtMost(let version) = plan.write.condition { next.refusedWhileAbsent = version }
                    again.append(next)
                case .busy(let reason):
                    busy = true
                    lastReason[id] = reason
                    again.append(plan.item)
                case .failed(let reason):
                    note("\(targetIndex)/\(id): \(reason)", in: &result)
                }
            }
            pending = again
            if busy && !pending.isEmpty {
                // The target pushes back: give it a moment, longer each round (100 ms, 200 ms... at most 5 s).
                try await Task.sleep(for: min(.milliseconds(100) * (1 << min(round - 1, 6)), .seconds(5)))
            }
        }
    }

    /// The write that makes the target's document under the entry's id and routing what the source holds there.
    private static func plan(
        _ item: Pending, source: MultiGetResult, target: MultiGetResult, sourceIndex: String, targetIndex: String
    ) -> Plan {
        let entry = item.entry
        var wanted: Document?
        switch source {
        case .failed(let reason): return .failure("\(sourceIndex)/\(entry.id): \(reason)")
        case .notFound: wanted = nil
        // Found under another routing that leads to the same shard: not the document asked for.
        case .found(let document): wanted = document.routing == entry.routing ? document : nil
        }
        switch target {
        case .failed(let reason):
            return .failure("\(targetIndex)/\(entry.id): \(reason)")
        case .notFound:
            guard var document = wanted else { return .nothing }
            let sourceVersion = BulkBody.externalVersion(of: document) ?? 1
            document.index = targetIndex
            let condition: ConditionalWrite.Condition =
                item.refusedWhileAbsent == sourceVersion ? .absent : .versionAtMost(sourceVersion)
            return .write(ConditionalWrite(document: document, condition: condition), sourceVersion: sourceVersion)
        case .found(let copy):
            let targetVersion = copy.version ?? 0
            guard var document = wanted else {
                // A copy stored under another routing that shares the shard is another document; deleting by this
                // routing would remove it.
                guard copy.routing == entry.routing else { return .nothing }
                let deletion = Document(
                    index: targetIndex, id: entry.id, type: copy.type, routing: entry.routing, source: [], operation: .delete)
                return .write(ConditionalWrite(document: deletion, condition: .versionAtMost(targetVersion)), sourceVersion: nil)
            }
            let sourceVersion = BulkBody.externalVersion(of: document) ?? 1
            document.index = targetIndex
            return .write(
                ConditionalWrite(document: document, condition: .versionAtMost(max(sourceVersion, targetVersion))),
                sourceVersion: sourceVersion)
        }
    }

    private static func version(of condition: ConditionalWrite.Condition) -> Int64? {
        if case .versionAtMost(let version) = condition { return version }
        return nil
    }

    private func note(_ reason: String, in result: inout Result) {
        result.failed += 1
        if result.failures.count < failureSampleLimit { result.failures.append(reason) }
    }
}
