import Foundation
import Logging
import SearchClient
import State
import TernCore

/// Copies indices with the target's own `_reindex` from the remote source, one server-side task per index.
///
/// Before any task, a reindex that matches nothing checks the target's allowlist, its reach to the source and the
/// credentials. Each target index is created with the source's typeless mappings, shard count and analysis unless it
/// exists. A task's id is kept in the state store while it runs, so a run stopped while waiting (Ctrl-C, a lost
/// connection) picks the same task up again instead of starting a second one; an index is marked done only when its
/// task completed without failures.
public struct RemoteReindexRunner: Sendable {
    public let source: ClusterConfiguration
    public let target: ClusterConfiguration
    /// `selection` chooses and renames indices, `query` filters documents, `limit` becomes `max_docs` (a trial run),
    /// `versioning` decides `version_type: external`, `stateDirectory` holds the run; the other fields do not apply.
    public let options: BackfillOptions
    public let reindex: RemoteReindexOptions
    /// The process's one state store, where the run and its task ids are recorded.
    public let store: StateStore
    public let logger: Logger

    /// - Parameters:
    ///   - source: the cluster the target pulls from; its basic, API-key or bearer credentials are passed to the target.
    ///   - target: the cluster that runs the reindex.
    public init(
        source: ClusterConfiguration, target: ClusterConfiguration, options: BackfillOptions,
        reindex: RemoteReindexOptions = RemoteReindexOptions(), store: StateStore, logger: Logger
    ) {
        self.source = source
        self.target = target
        self.options = options
        self.reindex = reindex
        self.store = store
        self.logger = logger
    }

    /// Runs (or resumes) the remote reindex and compares counts afterwards.
    /// - Throws: `TernError`: `.remoteNotAllowlisted` naming the `host:port` and setting to add, `.taskFailed` for tasks that
    ///   fail or disappear, configuration errors for credentials that cannot be passed on, and connection errors.
    public func run(progress: BackfillProgress = BackfillProgress()) async throws -> BackfillReport {
        let started = ContinuousClock.now
        let remote = try RemoteReindexSource(source: source, remoteHost: reindex.remoteHost)
        let query = try parsedQuery()
        return try await SearchClient.withClient(source, logger: logger) { sourceClient in
            try await SearchClient.withClient(target, logger: logger) { targetClient in
                let execution = RemoteReindexExecution(
                    runner: self, remote: remote, query: query, store: store, source: sourceClient, target: targetClient,
                    progress: progress)
                return try await execution.run(started: started)
            }
        }
    }

    private func parsedQuery() throws -> JSONValue? {
        guard let bytes = options.query else { return nil }
        guard let query = try? JSONValue.parse(bytes), query.objectValue != nil else {
            throw TernError(.invalidArgument, "The query is not one JSON object; write it like {\"term\":{\"status\":\"active\"}}.")
        }
        return query
    }
}

/// One run's state: both clients, the remote description and the running totals.
private struct RemoteReindexExecution {
    let runner: RemoteReindexRunner
    let remote: RemoteReindexSource
    let query: JSONValue?
    let store: StateStore
    let source: SearchClient
    let target: SearchClient
    let progress: BackfillProgress

    var options: BackfillOptions { runner.options }
    var logger: Logger { runner.logger }

    func run(started: ContinuousClock.Instant) async throws -> BackfillReport {
        let sourceInfo = try await source.info(retries: RetrySettings(maxAttempts: 2))
        let targetInfo = try await target.info(retries: RetrySettings(maxAttempts: 2))
        let selected = try await options.selection.openIndices(of: source, logger: logger)
        let byKey = Dictionary(selected.map { (Self.unitKey($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        let state = try await store.beginRun(
            kind: .remoteReindex, key: runKey(),
            description: "remote reindex \(runner.source.displayEndpoint) -> \(runner.target.displayEndpoint)",
            units: selected.map { UnitSpec(key: Self.unitKey($0.name), estimatedDocuments: Int($0.documents)) })
        let run = state.run.id
        for dropped in state.droppedUnits {
            logger.notice("index no longer selected; dropped from the run", metadata: ["unit": "\(dropped)"])
        }
        let pending = state.pendingUnits.filter { byKey[$0.key] != nil }
        progress.update {
            $0.unitsTotal = selected.count
            $0.unitsDone = selected.count - pending.count
            $0.unitsResumed = selected.count - pending.count
            $0.expectedDocuments = query == nil ? selected.reduce(0) { $0 + Int($1.documents) } : nil
        }
        if state.resumed {
            logger.notice("resuming remote reindex", metadata: ["run": "\(run)", "pending_indices": "\(pending.count)"])
        }

        if let first = pending.first, let index = byKey[first.key] {
            try await probe(
                sourceIndex: index.name, targetIndex: options.selection.targetName(for: index.name), targetVersion: targetInfo.version)
        }
        let creator = TargetIndexCreator(
            source: source, target: target, versions: (sourceInfo.version, targetInfo.version), logger: logger)
        var budget = options.limit
        var trial = false
        var base = UnitCounts()
        for record in pending {
            guard let index = byKey[record.key] else { continue }
            if let left = budget, left <= 0 {
                trial = true
                break
            }
            let (id, outcome) = try await reindex(
                index, unit: record, run: run, budget: budget, base: base, creator: creator, targetVersion: targetInfo.version)
            if let error = outcome.error {
                throw ReindexFailure.translate(
                    text: error, summary: "task \(id): \(error)", index: index.name, remote: remote, target: targetInfo.version,
                    kind: .taskFailed)
            }
            let counts = UnitCounts(
                read: outcome.counts.processed + outcome.failures.count, written: outcome.counts.created + outcome.counts.updated,
                alreadyNewer: outcome.counts.versionConflicts, failed: outcome.failures.count)
            for failure in outcome.failures.prefix(20) {
                logger.error(
                    "document not copied", metadata: ["index": "\(index.name)", "failure": "\(remote.scrub(failure.description))"])
            }
            if outcome.failures.count > 20 {
                logger.error("more documents not copied", metadata: ["index": "\(index.name)", "count": "\(outcome.failures.count - 20)"])
            }
            if outcome.timedOut { logger.error("reindex task timed out", metadata: ["index": "\(index.name)", "task": "\(id)"]) }
            base += counts
            let cut = budget.map { outcome.counts.processed >= $0 } ?? false
            if let left = budget { budget = left - outcome.counts.processed }
            trial = trial || cut
            if outcome.failures.isEmpty && !outcome.timedOut && !cut {
                try await store.completeUnit(run: run, unit: record.key, counts: counts)
                progress.update { $0.unitsDone += 1 }
            } else {
                // Not done: the next run copies the index again (external versions make that safe).
                try await store.recordProgress(run: run, unit: record.key, counts: counts, checkpoint: nil)
            }
            progress.update {
                $0.read = base.read
                $0.written = base.written
                $0.alreadyNewer = base.alreadyNewer
                $0.failed = base.failed
            }
            logger.info(
                "reindex task completed",
                metadata: [
                    "index": "\(index.name)", "created": "\(outcome.counts.created)", "updated": "\(outcome.counts.updated)",
                    "version_conflicts": "\(outcome.counts.versionConflicts)", "failures": "\(outcome.failures.count)",
                ])
        }

        let summary = try await store.runs(kind: .remoteReindex).first { $0.run.id == run }
        let units = summary?.units ?? []
        let done = !units.isEmpty && units.allSatisfy { $0.status == .done }
        let indices = try await verify(selected: selected, units: units, trial: trial)
        let totals = units.reduce(UnitCounts.zero) { $0 + $1.counts }
        let missing = indices.reduce(Int64(0)) { $0 + ($1.missing ?? 0) }
        let complete = done && !trial && totals.failed == 0 && missing == 0
        if done && !trial {
            try await store.finishRun(run: run, status: complete ? .completed : .completedWithFailures)
        }
        return BackfillReport(
            run: run, resumed: state.resumed, unitsTotal: selected.count, unitsDoneBefore: selected.count - pending.count,
            indices: indices, read: totals.read, written: totals.written, alreadyNewer: totals.alreadyNewer, failed: totals.failed,
            missing: missing, seconds: (ContinuousClock.now - started).inSeconds, deadLetterFile: nil, complete: complete)
    }

    /// The finished task of one index: the task of an earlier run when the target still knows it, else a new one on a
    /// target index created from the source's definition.
    private func reindex(
        _ index: IndexSummary, unit record: UnitRecord, run: Int64, budget: Int?, base: UnitCounts, creator: TargetIndexCreator,
        targetVersion: ClusterVersion
    ) async throws -> (id: String, outcome: ReindexTask) {
        if let id = record.checkpoint {
            // A task started by an earlier run may still be running (or have finished) on the target.
            if let outcome = try await wait(for: id, index: index.name, base: base, targetVersion: targetVersion, allowMissing: true) {
                logger.notice("picked up the reindex task of an earlier run", metadata: ["index": "\(index.name)", "task": "\(id)"])
                return (id, outcome)
            }
            logger.notice(
                "the target no longer knows the earlier task; starting again", metadata: ["index": "\(index.name)", "task": "\(id)"])
        }
        let targetName = options.selection.targetName(for: index.name)
        let definition = try await creator.definition(of: index.name)
        guard !definition.sourceDisabled else {
            throw TernError(
                .invalidArgument,
                "Index \(index.name) disables _source, so remote reindex has no document bodies to copy; leave it out with --exclude \(index.name), or restore a snapshot instead."
            )
        }
        try await creator.ensure(targetName, definition: definition)
        let id = try await submit(sourceIndex: index.name, targetIndex: targetName, maxDocs: budget, targetVersion: targetVersion)
        // Kept before waiting, so that a run stopped while waiting follows this task next time instead of starting another.
        try await store.recordProgress(run: run, unit: record.key, counts: .zero, checkpoint: id)
        logger.info("reindex task started", metadata: ["index": "\(index.name)", "target": "\(targetName)", "task": "\(id)"])
        guard let outcome = try await wait(for: id, index: index.name, base: base, targetVersion: targetVersion, allowMissing: false) else {
            preconditionFailure("waiting without allowMissing returns a task or throws")
        }
        return (id, outcome)
    }

    /// A reindex that copies nothing, answered at once: the allowlist, the target's reach to the source and the credentials.
    private func probe(sourceIndex: String, targetIndex: String, targetVersion: ClusterVersion) async throws {
        let body = try RequestBody.encode(RemoteReindexRequest.probe(remote: remote, sourceIndex: sourceIndex, targetIndex: targetIndex))
        let response = try await target.send(.POST, "/_reindex", query: [("wait_for_completion", "true")], body: body)
        guard response.isSuccess else {
            throw failure(response, index: nil, targetVersion: targetVersion, kind: .httpStatus)
        }
        logger.debug("the target reaches the source for remote reindex", metadata: ["remote": "\(remote.host)"])
    }

    /// Starts the task for one index and returns its id.
    private func submit(sourceIndex: String, targetIndex: String, maxDocs: Int?, targetVersion: ClusterVersion) async throws -> String {
        let external =
            switch options.versioning {
            case .external, .auto: true
            case .none: false
            }
        let body = RemoteReindexRequest.body(
            remote: remote, sourceIndex: sourceIndex, targetIndex: targetIndex, query: query, external: external, maxDocs: maxDocs,
            batchSize: runner.reindex.batchSize)
        let response = try await target.send(
            .POST, "/_reindex", query: [("wait_for_completion", "false")], body: try RequestBody.encode(body))
        guard response.isSuccess else {
            throw failure(response, index: sourceIndex, targetVersion: targetVersion, kind: .httpStatus)
        }
        guard let id = response.json()?["task"]?.stringValue, !id.isEmpty else {
            throw TernError(
                .badResponse,
                "The \(target.displayName) accepted the remote reindex of index \(sourceIndex) but answered without a task id (\(remote.scrub(String(decoding: response.bytes.prefix(200), as: UTF8.self)))); check the target's logs before running again."
            )
        }
        return id
    }

    /// Polls `GET /_tasks/<id>` until the task completed, reporting its counters.
    /// - Parameter allowMissing: nil instead of an error when the first answer says the task is unknown (a task of an earlier run).
    private func wait(
        for id: String, index: String, base: UnitCounts, targetVersion: ClusterVersion, allowMissing: Bool
    ) async throws -> ReindexTask? {
        let path = "/_tasks/\(id)"
        var first = true
        while true {
            let response = try await target.send(.GET, path)
            try target.checkAccess(response, method: "GET", path: path)
            let text = remote.scrub(String(decoding: response.bytes, as: UTF8.self))
            if text.contains("no handler found for uri") {
                throw TernError(
                    .taskFailed,
                    "The \(target.displayName) started reindex task \(id) for index \(index) but offers no tasks API to follow it (GET \(path): HTTP \(response.status)); check the index on the target yourself, or use Tern's own document copy instead."
                )
            }
            if response.status == 404 {
                if first && allowMissing { return nil }
                throw TernError(
                    .taskFailed,
                    "Reindex task \(id) for index \(index) disappeared from the \(target.displayName) (HTTP 404\(response.errorSummary.map { ": \(remote.scrub($0))" } ?? "")), so its outcome is unknown: a target node probably restarted; run again to copy the index anew."
                )
            }
            guard response.isSuccess, let json = response.json(), let task = ReindexTask(json: json) else {
                throw TernError(
                    .badResponse,
                    "The \(target.displayName) answered GET \(path) with HTTP \(response.status) and no task status (\(String(text.prefix(200)))); run again to pick the task up."
                )
            }
            first = false
            progress.update {
                $0.read = base.read + task.counts.processed
                $0.written = base.written + task.counts.created + task.counts.updated
                $0.alreadyNewer = base.alreadyNewer + task.counts.versionConflicts
            }
            if task.completed { return task }
            logger.debug(
                "reindex task running",
                metadata: ["index": "\(index)", "task": "\(id)", "total": "\(task.counts.total)", "processed": "\(task.counts.processed)"])
            try await Task.sleep(for: runner.reindex.pollInterval)
        }
    }

    /// Counts both sides per target index after a refresh.
    private func verify(selected: [IndexSummary], units: [UnitRecord], trial: Bool) async throws -> [BackfillReport.IndexResult] {
        let countsByKey = Dictionary(units.map { ($0.key, $0.counts) }, uniquingKeysWith: { first, _ in first })
        var byTarget: [String: BackfillReport.IndexResult] = [:]
        var order: [String] = []
        for index in selected {
            let name = options.selection.targetName(for: index.name)
            let counts = countsByKey[Self.unitKey(index.name)] ?? .zero
            let sourceCount = try await source.documentCount(index: index.name, query: options.query)
            if var result = byTarget[name] {
                result.source += ",\(index.name)"
                result.read += counts.read
                result.written += counts.written
                result.alreadyNewer += counts.alreadyNewer
                result.failed += counts.failed
                result.sourceCount = (result.sourceCount ?? 0) + sourceCount
                byTarget[name] = result
            } else {
                order.append(name)
                byTarget[name] = BackfillReport.IndexResult(
                    source: index.name, target: name, read: counts.read, written: counts.written, alreadyNewer: counts.alreadyNewer,
                    failed: counts.failed, sourceCount: sourceCount)
            }
        }
        var results: [BackfillReport.IndexResult] = []
        for name in order.sorted() {
            guard var result = byTarget[name] else { continue }
            let path = "/\(SearchClient.pathSegment(name))"
            let exists = try await target.send(.HEAD, path)
            if exists.status == 404 {
                result.targetCount = 0
            } else {
                _ = try? await target.send(.POST, "\(path)/_refresh")
                result.targetCount = try await target.documentCount(index: name, query: nil)
            }
            let targetCount = result.targetCount ?? 0
            // A trial run copies part of each index on purpose: only what it read can be missing then.
            let expected = trial ? Int64(result.read - result.failed) : (result.sourceCount ?? 0)
            result.missing = max(0, expected - targetCount)
            results.append(result)
        }
        return results
    }

    private func failure(_ response: SearchResponse, index: String?, targetVersion: ClusterVersion, kind: TernError.Kind) -> TernError {
        let text = String(decoding: response.bytes, as: UTF8.self)
        let summary = "HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")"
        return ReindexFailure.translate(text: text, summary: summary, index: index, remote: remote, target: targetVersion, kind: kind)
    }

    private func runKey() -> String {
        let selection = options.selection
        return RunKey.fnv1a(
            [
                RunRecord.Kind.remoteReindex.rawValue, runner.source.displayEndpoint, runner.target.displayEndpoint, remote.host,
                "include=\(selection.include.joined(separator: ","))", "exclude=\(selection.exclude.joined(separator: ","))",
                "rename=\(selection.renames.map { "\($0.from):\($0.to)" }.joined(separator: ","))",
                "query=\(String(decoding: options.query ?? [], as: UTF8.self))",
            ].joined(separator: "\n"))
    }

    static func unitKey(_ index: String) -> String { "\(index)/remote-reindex" }
}
