import Foundation
import Logging
import SearchClient
import SnapshotReader
import State
import TernCore

/// Copies documents from a source to a target unit by unit (index slices, snapshot shards, folders, files), recording each
/// unit in the state store only after the target acknowledged all of its documents. Running the same backfill again
/// resumes with the units not yet done; redoing a unit is safe because writes keep `_id` (and versions).
public struct BackfillRunner: Sendable {
    public let source: BackfillSource
    public let target: BackfillTarget
    public let options: BackfillOptions
    /// The process's one state store, where runs and units are recorded.
    public let store: StateStore
    public let logger: Logger

    public init(source: BackfillSource, target: BackfillTarget, options: BackfillOptions, store: StateStore, logger: Logger) {
        self.source = source
        self.target = target
        self.options = options
        self.store = store
        self.logger = logger
    }

    /// Runs (or resumes) the backfill.
    /// - Throws: `TernError` for configuration, connection and state-store failures; the units done so far stay done.
    public func run(progress: BackfillProgress = BackfillProgress()) async throws -> BackfillReport {
        let started = ContinuousClock.now
        var clients: [SearchClient] = []
        do {
            var sourceClient: SearchClient?
            if case .cluster(let configuration) = source {
                sourceClient = try SearchClient(configuration: configuration, logger: logger)
                clients.append(sourceClient!)
            }
            var targetClient: SearchClient?
            if case .cluster(let configuration) = target {
                targetClient = try SearchClient(configuration: configuration, logger: logger)
                clients.append(targetClient!)
            }
            let report = try await execute(
                store: store, sourceClient: sourceClient, targetClient: targetClient, progress: progress, started: started)
            for client in clients { try? await client.shutdown() }
            return report
        } catch {
            for client in clients { try? await client.shutdown() }
            throw error
        }
    }

    private func execute(
        store: StateStore, sourceClient: SearchClient?, targetClient: SearchClient?, progress: BackfillProgress,
        started: ContinuousClock.Instant
    ) async throws -> BackfillReport {
        let planner = BackfillPlanner(source: source, options: options, logger: logger)
        let plan = try await planner.plan(sourceClient: sourceClient)
        guard !plan.units.isEmpty else {
            throw TernError(.invalidArgument, "Nothing to copy: no index of the source matches the selection (\(describeSelection())).")
        }
        var runKey = RunKey.make(source: source, target: target, options: options)
        if case .file = target {
            // An export file is written anew by each run, so a run of it cannot resume an earlier one.
            runKey += "@\(Date().timeIntervalSince1970)"
        }
        let state = try await store.beginRun(
            kind: .backfill, key: runKey, description: "\(source.identity) -> \(target.identity)",
            units: plan.units.map { UnitSpec(key: $0.unit.key, estimatedDocuments: $0.estimatedDocuments) })
        let pendingKeys = Set(state.pendingUnits.map(\.key))
        let pending = plan.units.filter { pendingKeys.contains($0.unit.key) }
        progress.update {
            $0.unitsTotal = plan.units.count
            $0.unitsDone = plan.units.count - pending.count
            $0.unitsResumed = plan.units.count - pending.count
            // What this run still has to read: the estimates of the pending units.
            $0.expectedDocuments = pending.count == plan.units.count ? plan.expectedDocuments : nil
            for planned in plan.units {
                var counts = $0.indices[planned.unit.targetIndex] ?? BackfillProgress.IndexCounts(expectedDocuments: 0)
                counts.unitsTotal += 1
                if pendingKeys.contains(planned.unit.key) {
                    counts.expectedDocuments = planned.estimatedDocuments.flatMap { estimate in
                        counts.expectedDocuments.map { $0 + estimate }
                    }
                } else {
                    counts.unitsDone += 1
                }
                $0.indices[planned.unit.targetIndex] = counts
            }
            if $0.expectedDocuments == nil, plan.expectedDocuments != nil, $0.indices.values.allSatisfy({ $0.expectedDocuments != nil }) {
                $0.expectedDocuments = $0.indices.values.reduce(0) { $0 + ($1.expectedDocuments ?? 0) }
            }
        }
        if state.resumed {
            logger.notice(
                "resuming backfill",
                metadata: ["run": "\(state.run.id)", "pending_units": "\(pending.count)", "units": "\(plan.units.count)"])
        }

        let sink: BackfillSink
        var deadLetters: DeadLetterFile?
        var tuner: FastLoadTuner?
        var restored: [String] = []
        switch target {
        case .cluster:
            guard let targetClient else { preconditionFailure("a cluster target has a client") }
            let targetInfo = try await targetClient.info(retries: RetrySettings(maxAttempts: 2))
            let fastLoad = FastLoadTuner(client: targetClient, store: store, logger: logger)
            tuner = fastLoad
            // A killed run may have left refresh and replicas off; put them back before anything else.
            restored = try await fastLoad.restore()
            try await TargetIndexPreparer(client: targetClient, logger: logger).prepare(
                plan: plan, units: pending, targetVersion: targetInfo.version)
            if options.fastLoad && plan.targetIndicesKnown {
                try await fastLoad.apply(indices: Array(Set(pending.map(\.unit.targetIndex))).sorted())
            }
            let letters = DeadLetterFile(url: URL(fileURLWithPath: options.deadLetterPath))
            deadLetters = letters
            let versioning: BulkWriterOptions.Versioning =
                switch options.versioning {
                case .external: .external
                case .none: .none
                case .auto: plan.sourceSuppliesVersions ? .external : .none
                }
            var writerOptions = BulkWriterOptions()
            writerOptions.versioning = versioning
            writerOptions.needsType = BulkWriterOptions.needsType(for: targetInfo.version)
            sink = .cluster(BulkWriter(client: targetClient, options: writerOptions, deadLetters: letters))
        case .file(let path):
            sink = .file(try FileSink(path: path))
        }

        let limit = options.limit.map { DocumentLimit($0) }
        do {
            try await copyAll(pending, sink: sink, store: store, run: state.run.id, progress: progress, limit: limit)
        } catch {
            // Leave the target as the operator had it even when the copy fails; a task of its own, so that a Ctrl-C
            // (which cancelled this one) does not cancel the restore too.
            if let tuner { _ = try? await Task { try await tuner.restore() }.value }
            throw error
        }
        if case .file(let fileSink) = sink { try await fileSink.close() }
        try deadLetters?.close()
        var notRestored: String?
        if let tuner {
            do {
                restored += try await tuner.restore()
            } catch {
                notRestored = (error as? TernError)?.message ?? "\(error)"
            }
        }

        let trial = limit?.reached ?? false
        let summary = try await store.runs(kind: .backfill).first { $0.run.id == state.run.id }
        let allUnits = summary?.units ?? []
        let done = allUnits.allSatisfy { $0.status == .done }
        // A file names its indices line by line, so it is checked per index this run read (an earlier run that
        // finished the file left nothing to read: its unit counts stand instead).
        let fileIndices = progress.snapshot.fileIndices
        var indices =
            if !plan.targetIndicesKnown, done, !trial, !fileIndices.isEmpty, let targetClient {
                try await verifyFileIndices(fileIndices, client: targetClient)
            } else {
                try await verify(plan: plan, units: allUnits, targetClient: targetClient, sourceClient: sourceClient)
            }
        indices.sort { $0.target < $1.target }
        let totals = totals(allUnits)
        let missing = indices.reduce(Int64(0)) { $0 + ($1.missing ?? 0) }
        let complete = done && !trial && totals.failed == 0 && missing == 0
        if done && !trial {
            try await store.finishRun(run: state.run.id, status: complete ? .completed : .completedWithFailures)
        }
        return BackfillReport(
            run: state.run.id, resumed: state.resumed, unitsTotal: plan.units.count, unitsDoneBefore: plan.units.count - pending.count,
            indices: indices, read: totals.read, written: totals.written, alreadyNewer: totals.alreadyNewer, failed: totals.failed,
            missing: missing, seconds: (ContinuousClock.now - started).inSeconds,
            deadLetterFile: (deadLetters?.count ?? 0) > 0 ? options.deadLetterPath : nil, complete: complete,
            settingsRestored: restored, settingsNotRestored: notRestored)
    }

    /// Copies the pending units, `options.concurrency` at a time.
    private func copyAll(
        _ pending: [BackfillPlanner.PlannedUnit], sink: BackfillSink, store: StateStore, run: Int64, progress: BackfillProgress,
        limit: DocumentLimit?
    ) async throws {
        let concurrency = max(1, options.concurrency)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var iterator = pending.makeIterator()
            var running = 0
            while running < concurrency, let unit = iterator.next() {
                group.addTask { try await self.copy(unit, sink: sink, store: store, run: run, progress: progress, limit: limit) }
                running += 1
            }
            while try await group.next() != nil {
                if let unit = iterator.next() {
                    group.addTask {
                        try await self.copy(unit, sink: sink, store: store, run: run, progress: progress, limit: limit)
                    }
                }
            }
        }

    }

    /// Copies one unit and records it as done once every document is acknowledged.
    private func copy(
        _ planned: BackfillPlanner.PlannedUnit, sink: BackfillSink, store: StateStore, run: Int64, progress: BackfillProgress,
        limit: DocumentLimit?
    ) async throws {
        var counts = UnitCounts()
        var stoppedByLimit = false
        // A file names the index on each line: count per index too, to check each one on the target.
        let perIndex = planned.unit.kind == .file
        let targetIndex = perIndex ? nil : planned.unit.targetIndex
        try await planned.input.withPages(options: options, targetIndex: targetIndex, operation: planned.unit.operation) { pages in
            for try await page in pages {
                var batch = page
                if let limit {
                    let allowed = limit.take(batch.count)
                    if allowed < batch.count {
                        batch.removeLast(batch.count - allowed)
                        stoppedByLimit = true
                    }
                }
                let outcome = try await sink.write(batch)
                counts.read += batch.count
                counts.written += outcome.written
                counts.alreadyNewer += outcome.alreadyNewer
                counts.failed += outcome.failed.count
                progress.recordPage(batch, outcome: outcome, targetIndex: planned.unit.targetIndex, perFileIndex: perIndex)
                if stoppedByLimit { break }
            }
        }
        guard !stoppedByLimit else { return }
        try await store.completeUnit(run: run, unit: planned.unit.key, counts: counts)
        progress.update {
            $0.unitsDone += 1
            $0.indices[planned.unit.targetIndex, default: BackfillProgress.IndexCounts()].unitsDone += 1
        }
    }

    private func totals(_ units: [UnitRecord]) -> UnitCounts {
        units.reduce(UnitCounts()) { total, unit in
            UnitCounts(
                read: total.read + unit.counts.read, written: total.written + unit.counts.written,
                alreadyNewer: total.alreadyNewer + unit.counts.alreadyNewer, failed: total.failed + unit.counts.failed)
        }
    }

    /// Per index named in an imported file: documents read for it, refused, and what the target counts afterwards.
    /// (A file's lines carry no versions, so every accepted document was written.)
    private func verifyFileIndices(_ counts: [String: BackfillProgress.FileIndexCounts], client: SearchClient) async throws
        -> [BackfillReport.IndexResult]
    {
        var results: [BackfillReport.IndexResult] = []
        for (name, counts) in counts.sorted(by: { $0.key < $1.key }) {
            _ = try? await client.send(.POST, "/\(name)/_refresh")
            var result = BackfillReport.IndexResult(
                source: name, target: name, read: counts.read, written: counts.read - counts.failed, alreadyNewer: 0, failed: counts.failed)
            result.sourceCount = Int64(counts.read)
            result.targetCount = try await client.documentCount(index: name, query: nil)
            if let target = result.targetCount { result.missing = max(0, Int64(counts.read - counts.failed) - target) }
            results.append(result)
        }
        return results
    }

    /// Compares, per target index, what the target holds with what the source holds.
    private func verify(
        plan: BackfillPlanner.Plan, units: [UnitRecord], targetClient: SearchClient?, sourceClient: SearchClient?
    ) async throws -> [BackfillReport.IndexResult] {
        var byTarget: [String: BackfillReport.IndexResult] = [:]
        let unitsByKey = Dictionary(plan.units.map { ($0.unit.key, $0) }, uniquingKeysWith: { first, _ in first })
        for record in units {
            guard let planned = unitsByKey[record.key] else { continue }
            var result =
                byTarget[planned.unit.targetIndex]
                ?? BackfillReport.IndexResult(
                    source: planned.unit.countedSource, target: planned.unit.targetIndex, read: 0, written: 0, alreadyNewer: 0, failed: 0)
            result.read += record.counts.read
            result.written += record.counts.written
            result.alreadyNewer += record.counts.alreadyNewer
            result.failed += record.counts.failed
            byTarget[planned.unit.targetIndex] = result
        }
        guard let targetClient, plan.targetIndicesKnown else { return Array(byTarget.values) }
        let liveSource = plan.isLive ? sourceClient : nil
        let query = options.query
        // Several indices at once, and each one's source count beside its target's: one after another, a run over
        // hundreds of indices waited three round trips per index after its last document (0.6 s of a 2.5 s run of two
        // indices against osmem, whose counts take 300 ms).
        var waiting = byTarget.values.sorted { $0.target < $1.target }[...]
        var results: [BackfillReport.IndexResult] = []
        try await withThrowingTaskGroup(of: BackfillReport.IndexResult.self) { group in
            func startNext() {
                guard let result = waiting.popFirst() else { return }
                group.addTask { try await Self.counted(result, target: targetClient, liveSource: liveSource, query: query) }
            }
            for _ in 0..<Self.indicesCountedAtOnce { startNext() }
            while let result = try await group.next() {
                results.append(result)
                startNext()
            }
        }
        return results
    }

    /// How many indices are counted at once after the copy.
    static let indicesCountedAtOnce = 8

    /// `result` with the target's count (after a refresh) and the source's (live sources; else what was read), both
    /// asked at the same time, and the documents missing on the target.
    private static func counted(
        _ result: BackfillReport.IndexResult, target: SearchClient, liveSource: SearchClient?, query: [UInt8]?
    ) async throws -> BackfillReport.IndexResult {
        let sourceIndex = result.source
        async let sourceCount = liveSource?.documentCount(index: sourceIndex, query: query)
        var result = result
        _ = try? await target.send(.POST, "/\(result.target)/_refresh")
        result.targetCount = try await target.documentCount(index: result.target, query: nil)
        result.sourceCount = try await sourceCount ?? Int64(result.read)
        if let count = result.targetCount {
            // Every document read has its own _id, so the target holds at least those it accepted (refused ones are
            // in the dead-letter file). Later writes to a live source are the sync step's business, not missing.
            result.missing = max(0, Int64(result.read - result.failed) - count)
        }
        return result
    }

    private func describeSelection() -> String {
        var parts: [String] = []
        parts.append("include \(options.selection.include.isEmpty ? "*" : options.selection.include.joined(separator: ","))")
        if !options.selection.exclude.isEmpty { parts.append("exclude \(options.selection.exclude.joined(separator: ","))") }
        return parts.joined(separator: ", ") + "; system indices need an include starting with '.'"
    }
}
