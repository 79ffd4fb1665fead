import Compatibility
import Foundation
import Logging
import SearchClient
import SnapshotReader
import State
import TernCore

/// Copies whole indices by snapshotting them on the source into a shared `fs` repository and restoring them on the target.
///
/// Refuses version pairs a snapshot cannot cross (the same or the next major only, no Elasticsearch 7.11+ into OpenSearch,
/// no index created two majors back) before touching either cluster. Each restored index is a unit of the state store:
/// a run stopped after some restores (an index already on the target, a full disk) resumes with a new snapshot of the
/// remaining indices only.
public struct SnapshotRestoreRunner: Sendable {
    public let source: ClusterConfiguration
    public let target: ClusterConfiguration
    /// `selection` chooses and renames indices and `stateDirectory` holds the run; a query or a limit cannot apply to
    /// whole-index copies and is refused.
    public let options: BackfillOptions
    public let snapshot: SnapshotRestoreOptions
    /// The process's one state store, where the run is recorded.
    public let store: StateStore
    public let logger: Logger

    public init(
        source: ClusterConfiguration, target: ClusterConfiguration, options: BackfillOptions, snapshot: SnapshotRestoreOptions,
        store: StateStore, logger: Logger
    ) {
        self.source = source
        self.target = target
        self.options = options
        self.snapshot = snapshot
        self.store = store
        self.logger = logger
    }

    /// Snapshots the selected indices, restores them, waits for green and compares counts.
    /// - Throws: `TernError`: `.incompatibleVersions` before anything is written, `.snapshotRepository` for `path.repo` and
    ///   shared-location problems, `.snapshotFailed` for partial snapshots, failed restores and indices already on the target.
    public func run(progress: BackfillProgress = BackfillProgress()) async throws -> BackfillReport {
        let started = ContinuousClock.now
        try validate()
        // Snapshot and restore calls wait for completion: they get their own clients with a long request timeout and no
        // retries (a repeated PUT would find its own snapshot in progress).
        var slow = (source: source, target: target)
        slow.source.timeouts.request = max(source.timeouts.request, snapshot.waitTimeout)
        slow.source.retries = RetrySettings(maxAttempts: 1)
        slow.target.timeouts.request = max(target.timeouts.request, snapshot.waitTimeout, snapshot.healthTimeout + .seconds(30))
        slow.target.retries = RetrySettings(maxAttempts: 1)
        return try await SearchClient.withClient(source, logger: logger) { sourceClient in
            try await SearchClient.withClient(target, logger: logger) { targetClient in
                try await SearchClient.withClient(slow.source, logger: logger) { slowSource in
                    try await SearchClient.withClient(slow.target, logger: logger) { slowTarget in
                        let execution = SnapshotRestoreExecution(
                            runner: self, store: store, source: sourceClient, target: targetClient, slowSource: slowSource,
                            slowTarget: slowTarget, progress: progress)
                        return try await execution.run(started: started)
                    }
                }
            }
        }
    }

    private func validate() throws {
        guard options.query == nil else {
            throw TernError(
                .invalidArgument,
                "A snapshot restore copies whole indices, so --query cannot filter it; leave the query out, or use remote reindex or Tern's document copy to copy a subset."
            )
        }
        guard options.limit == nil else {
            throw TernError(
                .invalidArgument, "A snapshot restore copies whole indices, so --limit cannot cut it short; leave the limit out.")
        }
        guard !snapshot.repositoryLocation.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw TernError(
                .invalidArgument,
                "A snapshot restore needs a repository location: a shared filesystem path mounted on every node of both clusters and listed in their path.repo, or an s3://, gs:// or azure:// bucket both clusters reach."
            )
        }
        do {
            _ = try RepositoryURL.parse(snapshot.repositoryLocation)
        } catch {
            throw error.ternError
        }
        for (what, name) in [("repository", snapshot.repository), ("snapshot", snapshot.snapshot ?? "tern")] {
            guard !name.isEmpty, name == name.lowercased(), !name.contains(where: { " ,/\\*?\"<>|#".contains($0) }) else {
                throw TernError(
                    .invalidArgument, "The \(what) name '\(name)' is not usable; give a lowercase name without spaces, commas or slashes.")
            }
        }
        guard snapshot.replicas >= 0 else {
            throw TernError(.invalidArgument, "The replicas of restored indices must be 0 or more, not \(snapshot.replicas).")
        }
    }
}

/// One run of a snapshot restore: the clients and the steps.
private struct SnapshotRestoreExecution {
    let runner: SnapshotRestoreRunner
    let store: StateStore
    let source: SearchClient
    let target: SearchClient
    /// The same clusters with a request timeout long enough to wait for a snapshot or a restore.
    let slowSource: SearchClient
    let slowTarget: SearchClient
    let progress: BackfillProgress

    var options: BackfillOptions { runner.options }
    var settings: SnapshotRestoreOptions { runner.snapshot }
    var logger: Logger { runner.logger }

    func run(started: ContinuousClock.Instant) async throws -> BackfillReport {
        let sourceInfo = try await source.info(retries: RetrySettings(maxAttempts: 2))
        let targetInfo = try await target.info(retries: RetrySettings(maxAttempts: 2))
        let selected = try await options.selection.openIndices(of: source, logger: logger)
        try checkCompatibility(source: sourceInfo, target: targetInfo, indices: selected)
        var seen: [String: String] = [:]
        for index in selected {
            let name = options.selection.targetName(for: index.name)
            if let other = seen[name] {
                throw TernError(
                    .invalidArgument,
                    "Indices \(other) and \(index.name) would both be restored as \(name), and a restore cannot merge indices; rename one of them with --rename."
                )
            }
            seen[name] = index.name
        }

        let state = try await store.beginRun(
            kind: .snapshotRestore, key: runKey(),
            description: "snapshot restore \(runner.source.displayEndpoint) -> \(runner.target.displayEndpoint) via \(settings.repository)",
            units: selected.map { UnitSpec(key: Self.unitKey($0.name), estimatedDocuments: Int($0.documents)) })
        let run = state.run.id
        let byKey = Dictionary(selected.map { (Self.unitKey($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        let pending = state.pendingUnits.compactMap { byKey[$0.key] }
        progress.update {
            $0.unitsTotal = selected.count
            $0.unitsDone = selected.count - pending.count
            $0.unitsResumed = selected.count - pending.count
        }
        if state.resumed {
            logger.notice("resuming snapshot restore", metadata: ["run": "\(run)", "pending_indices": "\(pending.count)"])
        }
        if !pending.isEmpty {
            try await copy(pending, run: run)
        }

        let units = try await store.runs(kind: .snapshotRestore).first { $0.run.id == run }?.units ?? []
        let countsByKey = Dictionary(units.map { ($0.key, $0.counts) }, uniquingKeysWith: { first, _ in first })
        var indices: [BackfillReport.IndexResult] = []
        for index in selected {
            let name = options.selection.targetName(for: index.name)
            let counts = countsByKey[Self.unitKey(index.name)] ?? .zero
            let targetCount = try await target.documentCount(index: name, query: nil)
            indices.append(
                BackfillReport.IndexResult(
                    source: index.name, target: name, read: counts.read, written: Int(targetCount), alreadyNewer: 0, failed: 0,
                    targetCount: targetCount, sourceCount: Int64(counts.read), missing: max(0, Int64(counts.read) - targetCount)))
        }
        indices.sort { $0.target < $1.target }
        let done = units.allSatisfy { $0.status == .done }
        let missing = indices.reduce(Int64(0)) { $0 + ($1.missing ?? 0) }
        let complete = done && missing == 0
        if done {
            try await store.finishRun(run: run, status: complete ? .completed : .completedWithFailures)
        }
        let read = indices.reduce(0) { $0 + $1.read }
        return BackfillReport(
            run: run, resumed: state.resumed, unitsTotal: selected.count, unitsDoneBefore: selected.count - pending.count,
            indices: indices, read: read, written: indices.reduce(0) { $0 + $1.written }, alreadyNewer: 0, failed: 0, missing: missing,
            seconds: (ContinuousClock.now - started).inSeconds, deadLetterFile: nil, complete: complete)
    }

    /// Snapshot, restore, wait for green, record: the indices not restored yet.
    private func copy(_ indices: [IndexSummary], run: Int64) async throws {
        // Counted just before the snapshot: what the snapshot holds, unless the source is written meanwhile.
        var sourceCounts: [String: Int64] = [:]
        for index in indices { sourceCounts[index.name] = try await source.documentCount(index: index.name, query: nil) }
        progress.update { $0.expectedDocuments = Int(sourceCounts.values.reduce(0, +)) }

        let name = settings.snapshot ?? SnapshotRestoreOptions.generatedName()
        try await registerRepository(on: source, readonly: false, snapshot: name)
        let names = indices.map(\.name)
        if let existing = try await existingSnapshot(name) {
            let absent = Set(names).subtracting(existing.indices)
            guard existing.succeeded, absent.isEmpty else {
                throw TernError(
                    .snapshotFailed,
                    "Snapshot \(name) already exists in repository \(settings.repository) but \(existing.succeeded ? "lacks \(absent.sorted().joined(separator: ", "))" : "is \(existing.state)"); choose another snapshot name, or leave it out so Tern takes a new one."
                )
            }
            logger.notice("restoring the existing snapshot", metadata: ["snapshot": "\(name)"])
        } else {
            try await takeSnapshot(name, indices: names)
        }

        try await registerRepository(on: target, readonly: true, snapshot: name)
        // Each group is recorded as soon as it is restored and green, so a later failure (an index already on the target)
        // does not make the next run restore the earlier groups again.
        for group in RestoreGroup.groups(for: names, selection: options.selection) {
            try await restore(group, snapshot: name)
            try await waitForGreen(group.indices.map(options.selection.targetName(for:)))
            for index in group.indices {
                let targetCount = try await target.documentCount(index: options.selection.targetName(for: index), query: nil)
                let read = Int(sourceCounts[index] ?? 0)
                try await store.completeUnit(run: run, unit: Self.unitKey(index), counts: UnitCounts(read: read, written: Int(targetCount)))
                progress.update {
                    $0.unitsDone += 1
                    $0.read += read
                    $0.written += Int(targetCount)
                }
            }
        }
    }

    private func checkCompatibility(source: ClusterInfo, target: ClusterInfo, indices: [IndexSummary]) throws {
        let verdict = StrategyAdvisor.assess(
            source: ClusterProfile(version: source.version, hosting: source.hosting, indices: indices),
            target: ClusterProfile(version: target.version, hosting: target.hosting))
        guard let assessment = verdict.assessment(.snapshotRestore), !assessment.possible else { return }
        var reason = assessment.reasons.first ?? "the target cannot read the source's indices"
        if reason.hasSuffix(".") { reason.removeLast() }
        throw TernError(
            .incompatibleVersions,
            "A snapshot of \(source.version.displayName) cannot be restored into \(target.version.displayName): \(reason); copy the documents instead with remote reindex or Tern's document copy."
        )
    }

    private func registerRepository(on client: SearchClient, readonly: Bool, snapshot: String) async throws {
        let body = settings.registration(readonly: readonly)
        let path = "/_snapshot/\(SearchClient.pathSegment(settings.repository))"
        let response = try await client.send(.PUT, path, body: try RequestBody.encode(body))
        try client.checkAccess(response, method: "PUT", path: path)
        guard response.isSuccess else {
            throw SnapshotFailure.translate(
                response, action: "register snapshot repository \(settings.repository) at \(settings.repositoryLocation)",
                cluster: client.displayName, options: settings, snapshot: snapshot)
        }
        logger.info(
            "registered snapshot repository",
            metadata: ["cluster": "\(client.configuration.role)", "repository": "\(settings.repository)", "readonly": "\(readonly)"])
    }

    /// The named snapshot when the operator named one that exists already, else nil.
    private func existingSnapshot(_ name: String) async throws -> SnapshotOutcome? {
        guard settings.snapshot != nil else { return nil }
        let path = snapshotPath(name)
        let response = try await source.send(.GET, path)
        try source.checkAccess(response, method: "GET", path: path)
        if response.status == 404 { return nil }
        guard response.isSuccess else {
            throw SnapshotFailure.translate(
                response, action: "read snapshot \(name)", cluster: source.displayName, options: settings, snapshot: name)
        }
        return response.json().flatMap(SnapshotOutcome.init(json:))
    }

    private func takeSnapshot(_ name: String, indices: [String]) async throws {
        let body = JSONValue.object([
            "indices": .array(indices.map(JSONValue.string)), "include_global_state": .bool(false), "ignore_unavailable": .bool(false),
        ])
        let path = snapshotPath(name)
        logger.info("taking snapshot", metadata: ["snapshot": "\(name)", "indices": "\(indices.count)"])
        let response = try await slowSource.send(.PUT, path, query: [("wait_for_completion", "true")], body: try RequestBody.encode(body))
        try slowSource.checkAccess(response, method: "PUT", path: path)
        guard response.isSuccess else {
            throw SnapshotFailure.translate(
                response, action: "take snapshot \(name)", cluster: source.displayName, options: settings, snapshot: name)
        }
        guard let outcome = response.json().flatMap(SnapshotOutcome.init(json:)) else {
            throw TernError(
                .badResponse,
                "The \(source.displayName) answered the snapshot request without describing snapshot \(name); check GET \(path) before running again."
            )
        }
        guard outcome.succeeded else {
            let details = outcome.failures.prefix(3).map(\.description).joined(separator: "; ")
            throw TernError(
                .snapshotFailed,
                "Snapshot \(name) of the \(source.displayName) ended \(outcome.state) with \(outcome.shardsFailed) of \(outcome.shardsTotal) shards failed (\(details.isEmpty ? outcome.reason ?? "no reason given" : details)); nothing was restored: fix the source's shards (GET _cluster/health) and run again."
            )
        }
        logger.info("snapshot taken", metadata: ["snapshot": "\(name)", "shards": "\(outcome.shardsTotal)"])
    }

    private func restore(_ group: RestoreGroup, snapshot name: String) async throws {
        var body: [String: JSONValue] = [
            "indices": .array(group.indices.map(JSONValue.string)), "include_global_state": .bool(false),
            "index_settings": .object(["index.number_of_replicas": .int(Int64(settings.replicas))]),
        ]
        if let pattern = group.renamePattern, let replacement = group.renameReplacement {
            body["rename_pattern"] = .string(pattern)
            body["rename_replacement"] = .string(replacement)
        }
        let path = "\(snapshotPath(name))/_restore"
        let response = try await slowTarget.send(
            .POST, path, query: [("wait_for_completion", "true")], body: try RequestBody.encode(.object(body)))
        try slowTarget.checkAccess(response, method: "POST", path: path)
        guard response.isSuccess else {
            throw SnapshotFailure.translate(
                response, action: "restore snapshot \(name)", cluster: target.displayName, options: settings, snapshot: name)
        }
        let json = response.json()
        let failed = json?.value(at: "snapshot.shards.failed")?.intValue ?? 0
        let total = json?.value(at: "snapshot.shards.total")?.intValue ?? 0
        guard failed == 0 else {
            throw TernError(
                .snapshotFailed,
                "Restoring \(group.indices.joined(separator: ", ")) from snapshot \(name) on the \(target.displayName) left \(failed) of \(total) shards failed; check GET _cluster/allocation/explain on the target, delete the restored indices and run again."
            )
        }
        let expected = Set(group.indices.map(options.selection.targetName(for:)))
        if let restored = json?.value(at: "snapshot.indices")?.arrayValue?.compactMap(\.stringValue), Set(restored) != expected {
            throw TernError(
                .snapshotFailed,
                "The \(target.displayName) restored \(restored.sorted().joined(separator: ", ")) instead of \(expected.sorted().joined(separator: ", ")) from snapshot \(name); check the rename rules and the target's indices."
            )
        }
        logger.info("restored", metadata: ["snapshot": "\(name)", "indices": "\(expected.sorted().joined(separator: ","))"])
    }

    private func waitForGreen(_ indices: [String]) async throws {
        let seconds = Int(settings.healthTimeout.inSeconds.rounded(.up))
        let path = "/_cluster/health/\(indices.map(SearchClient.pathSegment).joined(separator: ","))"
        let response = try await slowTarget.send(.GET, path, query: [("wait_for_status", "green"), ("timeout", "\(seconds)s")])
        try slowTarget.checkAccess(response, method: "GET", path: path)
        let json = response.json()
        let status = json?["status"]?.stringValue ?? "unknown"
        // Health answers 408 when the wait timed out.
        guard response.isSuccess, json?["timed_out"]?.boolValue != true, status == "green" else {
            let unassigned = json?["unassigned_shards"]?.intValue ?? 0
            throw TernError(
                .snapshotFailed,
                "The restored indices did not turn green on the \(target.displayName) within \(seconds) s (status \(status), \(unassigned) unassigned shards); check GET _cluster/allocation/explain (replicas need enough data nodes) and run again."
            )
        }
    }

    private func snapshotPath(_ name: String) -> String {
        "/_snapshot/\(SearchClient.pathSegment(settings.repository))/\(SearchClient.pathSegment(name))"
    }

    private func runKey() -> String {
        let selection = options.selection
        return RunKey.fnv1a(
            [
                RunRecord.Kind.snapshotRestore.rawValue, runner.source.displayEndpoint, runner.target.displayEndpoint, settings.repository,
                settings.repositoryLocation, "include=\(selection.include.joined(separator: ","))",
                "exclude=\(selection.exclude.joined(separator: ","))",
                "rename=\(selection.renames.map { "\($0.from):\($0.to)" }.joined(separator: ","))",
            ].joined(separator: "\n"))
    }

    static func unitKey(_ index: String) -> String { "\(index)/restore" }
}
