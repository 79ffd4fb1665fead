import Coordination
import Foundation
import Logging
import SearchClient
import Synchronization
import TernCore

/// One of a worker's slots: claims an item, copies it under its lease (renewing it with the checkpoint), records it
/// done, and claims the next, until every item of the shared backfill is done.
struct ItemWorker: Sendable {
    let inputs: UnitInputResolver
    let sink: BackfillSink
    let options: BackfillOptions
    let coordinator: Coordinator
    /// `host:path` of this worker's dead-letter file, recorded on items whose documents it refused.
    let deadLetters: String
    let logger: Logger
    /// On the items' critical path: the claims that got an item, the copying, the writes that marked items done.
    let claims: CoordinationMeter
    let copies: CoordinationMeter
    let finishes: CoordinationMeter

    func claimUntilFinished(progress: BackfillProgress) async throws {
        let settings = coordinator.settings
        var wait: Duration?
        while true {
            try Task.checkCancellation()
            let started = ContinuousClock.now
            let claim = try await coordinator.retrying("claim an item") { try await coordinator.claim() }
            switch claim {
            case .finished:
                return
            case .wait:
                wait = settings.nextPoll(after: wait)
                try await Task.sleep(for: wait!)
            case .item(let lease):
                wait = nil
                claims.add(ContinuousClock.now - started)
                try await work(lease, progress: progress)
            }
        }
    }

    /// What a holder has acknowledged so far, read by the renewals.
    private struct Acknowledged: Sendable {
        var documents: Int
        var counts: WorkItem.Counts
    }

    private final class Tracker: Sendable {
        let state: Mutex<Acknowledged>
        init(_ initial: Acknowledged) { state = Mutex(initial) }
    }

    private func work(_ lease: ItemLease, progress: BackfillProgress) async throws {
        let item = await lease.item
        let trace = coordinator.trace
        let worker = coordinator.settings.worker
        guard let unit = BackfillUnit(fields: item.unit) else {
            throw TernError(
                .invalidArgument,
                "The item \(item.key) of the shared plan is of a kind this version of Tern does not know; run the same version on every worker."
            )
        }
        let input = try await inputs.input(for: unit)
        // A fixed reading order lets the new holder skip what the checkpoint says the target has; a live slice starts over.
        let resumeFrom = unit.readsInFixedOrder ? (item.checkpoint ?? 0) : 0
        let startCounts = resumeFrom > 0 ? item.counts : WorkItem.Counts()
        let acknowledged = Tracker(Acknowledged(documents: resumeFrom, counts: startCounts))
        if resumeFrom > 0 {
            logger.notice("resuming an item from its checkpoint", metadata: ["item": "\(item.key)", "documents": "\(resumeFrom)"])
        }
        let started = ContinuousClock.now
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await copy(input, unit: unit, skip: resumeFrom, lease: lease, acknowledged: acknowledged, progress: progress)
                }
                group.addTask {
                    try await keepRenewed(
                        lease, checkpoints: unit.readsInFixedOrder, refusedBefore: startCounts.failed, acknowledged: acknowledged)
                }
                // The renewals never end on their own: the first task to finish is the copy (or a failure).
                try await group.next()
                group.cancelAll()
            }
        } catch let lost as ItemLease.Lost {
            trace.record("release", item: item.key, worker: worker)
            trace.record("lost", item: item.key, worker: worker)
            logger.warning(
                "stopped writing an item: \(lost == .expired ? "its lease could not be renewed in time" : "another worker took it over")",
                metadata: ["item": "\(item.key)"])
            await coordinator.recordItem(documents: 0, lost: true)
            return
        } catch {
            trace.record("release", item: item.key, worker: worker)
            throw error
        }
        trace.record("release", item: item.key, worker: worker)
        let final = acknowledged.state.withLock { $0 }
        let seconds = (ContinuousClock.now - started).inSeconds
        let refusedHere = final.counts.failed > startCounts.failed
        let finishing = ContinuousClock.now
        let recorded = try await coordinator.retrying("mark an item done") {
            try await lease.finish(counts: final.counts, seconds: seconds, deadLetters: refusedHere ? deadLetters : nil)
        }
        if recorded {
            trace.record("done", item: item.key, worker: worker)
            copies.add(finishing - started)
            finishes.add(ContinuousClock.now - finishing)
            progress.update {
                $0.unitsDone += 1
                $0.indices[unit.targetIndex, default: BackfillProgress.IndexCounts()].unitsDone += 1
            }
        } else {
            trace.record("lost", item: item.key, worker: worker)
            logger.warning("another worker took over an item this worker had finished; its count stands", metadata: ["item": "\(item.key)"])
        }
        await coordinator.recordItem(documents: final.counts.read - startCounts.read, lost: !recorded)
    }

    /// Copies the unit's documents page by page, each page only while the lease is valid.
    private func copy(
        _ input: UnitInput, unit: BackfillUnit, skip: Int, lease: ItemLease, acknowledged: Tracker, progress: BackfillProgress
    ) async throws {
        let targetIndex = unit.kind == .file ? nil : unit.targetIndex
        try await input.withPages(options: options, targetIndex: targetIndex, skip: skip, operation: unit.operation) { pages in
            for try await page in pages {
                try await lease.checkValid()
                let outcome = try await sink.write(page)
                acknowledged.state.withLock {
                    $0.documents += page.count
                    $0.counts.read += page.count
                    $0.counts.written += outcome.written
                    $0.counts.alreadyNewer += outcome.alreadyNewer
                    $0.counts.failed += outcome.failed.count
                }
                progress.recordPage(page, outcome: outcome, targetIndex: unit.targetIndex)
            }
        }
    }

    /// Renews the lease when due, with the checkpoint; after a failed renewal, tries again soon, until the lease's
    /// deadline (then ``ItemLease/Lost/expired`` stops the copy).
    private func keepRenewed(_ lease: ItemLease, checkpoints: Bool, refusedBefore: Int, acknowledged: Tracker) async throws {
        var retryAt: ContinuousClock.Instant?
        while true {
            let due = await lease.renewalDue
            try await Task.sleep(until: min(due, retryAt ?? due), clock: .continuous)
            let state = acknowledged.state.withLock { $0 }
            let renewed = try await lease.renew(
                checkpoint: checkpoints ? state.documents : nil, counts: state.counts,
                deadLetters: state.counts.failed > refusedBefore ? deadLetters : nil)
            retryAt = renewed ? nil : ContinuousClock.now + .milliseconds(250)
        }
    }
}
