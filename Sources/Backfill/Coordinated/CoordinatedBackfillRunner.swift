import Coordination
import Foundation
import Logging
import SearchClient
import Synchronization
import TernCore

/// One worker of a backfill shared by many processes on many machines. The workers coordinate through documents of a
/// coordination index (``CoordinationIndex``): the first plans, every worker claims items under renewed leases, checkpoints
/// inside them and marks them done only after the target acknowledged every document; a worker that stops loses its
/// items to the others once their leases lapse. Each worker returns only when every item of the whole backfill is done,
/// then checks the counts.
public struct CoordinatedBackfillRunner: Sendable {
    public let source: BackfillSource
    public let target: ClusterConfiguration
    public let options: BackfillOptions
    /// Where the coordination index lives (the target when nil).
    public let coordinationCluster: ClusterConfiguration?
    public let settings: CoordinationSettings
    /// The coordination index's name after its prefix; derived from what is copied when nil.
    public let runName: String?
    public let logger: Logger

    public init(
        source: BackfillSource, target: ClusterConfiguration, options: BackfillOptions, coordinationCluster: ClusterConfiguration?,
        settings: CoordinationSettings, runName: String?, logger: Logger
    ) {
        self.source = source
        self.target = target
        self.options = options
        self.coordinationCluster = coordinationCluster
        self.settings = settings
        self.runName = runName
        self.logger = logger
    }

    /// The run name workers share when none is given: the same flags give the same name on every machine.
    public static func defaultRunName(source: BackfillSource, target: ClusterConfiguration, options: BackfillOptions) -> String {
        "backfill-" + RunKey.make(source: source, target: .cluster(target), options: options)
    }

    /// Takes part in the shared backfill until every item is done.
    public func run(progress: BackfillProgress = BackfillProgress()) async throws -> BackfillReport {
        let started = ContinuousClock.now
        var clients: [SearchClient] = []
        do {
            var sourceClient: SearchClient?
            if case .cluster(let configuration) = source {
                sourceClient = try SearchClient(configuration: configuration, logger: logger)
                clients.append(sourceClient!)
            }
            let targetClient = try SearchClient(configuration: target, logger: logger)
            clients.append(targetClient)
            var coordinationClient = targetClient
            if let coordinationCluster {
                coordinationClient = try SearchClient(configuration: coordinationCluster, logger: logger)
                clients.append(coordinationClient)
            }
            let name = runName ?? Self.defaultRunName(source: source, target: target, options: options)
            let coordinator = Coordinator(
                index: CoordinationIndex(client: coordinationClient, runName: name), settings: settings, logger: logger)
            let report: BackfillReport
            do {
                report = try await execute(
                    coordinator: coordinator, sourceClient: sourceClient, targetClient: targetClient, progress: progress,
                    started: started)
            } catch {
                await coordinator.recordEnd(.stopped, reason: (error as? TernError)?.message ?? "\(error)")
                throw error
            }
            await coordinator.recordEnd(.finished, reason: report.complete ? nil : "finished with documents refused or missing")
            for client in clients { try? await client.shutdown() }
            return report
        } catch {
            for client in clients { try? await client.shutdown() }
            throw error
        }
    }

    private func execute(
        coordinator: Coordinator, sourceClient: SearchClient?, targetClient: SearchClient, progress: BackfillProgress,
        started: ContinuousClock.Instant
    ) async throws -> BackfillReport {
        let planner = BackfillPlanner(source: source, options: options, logger: logger)
        let targetInfo = try await targetClient.info(retries: RetrySettings(maxAttempts: 2))
        let runKey = RunKey.make(source: source, target: .cluster(target), options: options)
        let description = "\(source.identity) -> cluster \(target.endpoints.map(ClusterConfiguration.display).joined(separator: ","))"
        let versioningChoice = options.versioning
        let logger = logger
        let plan = try await coordinator.join(runKey: runKey, description: description) {
            let plan = try await planner.plan(sourceClient: sourceClient)
            guard !plan.units.isEmpty else {
                throw TernError(.invalidArgument, "Nothing to copy: no index of the source matches the selection.")
            }
            try await TargetIndexPreparer(client: targetClient, logger: logger).prepare(
                plan: plan, units: plan.units, targetVersion: targetInfo.version)
            let versioning: String =
                switch versioningChoice {
                case .external: "external"
                case .none: "none"
                case .auto: plan.sourceSuppliesVersions ? "external" : "none"
                }
            return Coordinator.Plan(
                items: plan.units.map { ($0.unit.key, $0.unit.fields, $0.estimatedDocuments) }, versioning: versioning,
                estimatedDocuments: plan.expectedDocuments)
        }
        progress.update {
            $0.unitsTotal = plan.items ?? 0
            $0.expectedDocuments = plan.estimatedDocuments
        }
        let letters = DeadLetterFile(url: URL(fileURLWithPath: options.deadLetterPath))
        var writerOptions = BulkWriterOptions()
        writerOptions.versioning = plan.versioning == "external" ? .external : .none
        writerOptions.needsType = BulkWriterOptions.needsType(for: targetInfo.version)
        let sink = BackfillSink.cluster(BulkWriter(client: targetClient, options: writerOptions, deadLetters: letters))
        let deadLetterName = "\(ProcessInfo.processInfo.hostName):\(options.deadLetterPath)"
        let worker = ItemWorker(
            inputs: UnitInputResolver(source: source, selection: options.selection, sourceClient: sourceClient), sink: sink,
            options: options, coordinator: coordinator,
            deadLetters: deadLetterName, logger: logger, claims: CoordinationMeter(),
            copies: CoordinationMeter(), finishes: CoordinationMeter())

        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, options.concurrency) {
                group.addTask { try await worker.claimUntilFinished(progress: progress) }
            }
            // A slot returns only when every item is done, so the others hold nothing: stop their waiting now (what they
            // were doing, a request cut short included, no longer matters).
            try await group.next()
            group.cancelAll()
            while await group.nextResult() != nil {}
        }
        try letters.close()

        let items = try await coordinator.items()
        progress.update { $0.unitsDone = items.filter { $0.state == .done }.count }
        var indices = try await verify(items: items, targetClient: targetClient, sourceClient: sourceClient)
        indices.sort { $0.target < $1.target }
        let counts = items.reduce(WorkItem.Counts()) {
            WorkItem.Counts(
                read: $0.read + $1.counts.read, written: $0.written + $1.counts.written,
                alreadyNewer: $0.alreadyNewer + $1.counts.alreadyNewer, failed: $0.failed + $1.counts.failed)
        }
        let missing = indices.reduce(Int64(0)) { $0 + ($1.missing ?? 0) }
        let done = items.allSatisfy { $0.state == .done } && items.count == (plan.items ?? items.count)
        let refusedAt = Set(items.compactMap(\.deadLetters).flatMap(WorkItem.files)).sorted()
        var report = BackfillReport(
            run: 0, resumed: false, unitsTotal: items.count, unitsDoneBefore: 0, indices: indices, read: counts.read,
            written: counts.written, alreadyNewer: counts.alreadyNewer, failed: counts.failed, missing: missing,
            seconds: (ContinuousClock.now - started).inSeconds,
            deadLetterFile: refusedAt.isEmpty ? nil : refusedAt.joined(separator: ", "),
            complete: done && counts.failed == 0 && missing == 0)
        report.coordinationIndex = coordinator.index.name
        report.worker = coordinator.settings.worker
        report.readByThisWorker = progress.snapshot.read
        let requests = coordinator.index.meter.reading
        let copies = worker.copies.reading
        report.coordination = BackfillReport.CoordinationCost(
            requests: requests.requests, seconds: requests.seconds, itemsDone: copies.requests, claimSeconds: worker.claims.reading.seconds,
            copySeconds: copies.seconds, finishSeconds: worker.finishes.reading.seconds)
        return report
    }

    /// Per target index: the documents the items' final holders read (less those refused) against what the target
    /// counts after a refresh, and for live sources the source's own count.
    private func verify(items: [WorkItem], targetClient: SearchClient, sourceClient: SearchClient?) async throws
        -> [BackfillReport.IndexResult]
    {
        var byTarget: [String: BackfillReport.IndexResult] = [:]
        for item in items {
            guard let unit = BackfillUnit(fields: item.unit) else { continue }
            var result =
                byTarget[unit.targetIndex]
                ?? BackfillReport.IndexResult(
                    source: unit.countedSource, target: unit.targetIndex, read: 0, written: 0, alreadyNewer: 0, failed: 0)
            result.read += item.counts.read
            result.written += item.counts.written
            result.alreadyNewer += item.counts.alreadyNewer
            result.failed += item.counts.failed
            byTarget[unit.targetIndex] = result
        }
        var results: [BackfillReport.IndexResult] = []
        for var result in byTarget.values {
            if result.target == "*" {
                results.append(result)
                continue
            }
            _ = try? await targetClient.send(.POST, "/\(result.target)/_refresh")
            // An index deleted after its items were done holds nothing: every document of it is missing.
            let exists = try await targetClient.send(.HEAD, "/\(result.target)").status != 404
            result.targetCount = exists ? try await targetClient.documentCount(index: result.target, query: nil) : 0
            if let sourceClient {
                result.sourceCount = try await sourceClient.documentCount(index: result.source, query: options.query)
            } else {
                result.sourceCount = Int64(result.read)
            }
            if let count = result.targetCount { result.missing = max(0, Int64(result.read - result.failed) - count) }
            results.append(result)
        }
        return results
    }
}
