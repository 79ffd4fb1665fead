import Foundation
import Logging
import TernCore

/// A lease this worker holds on one item: renewals (with the checkpoint), the deadline after which it must not write,
/// and the final "done". Every write names the version it read, so a worker that lost the item finds out on its next
/// write and stops.
public actor ItemLease {
    /// Why a holder must stop writing an item.
    public enum Lost: Error, Sendable, Equatable {
        /// Another worker took the item over (its lease had lapsed as others saw it).
        case takenOver(by: String?)
        /// No renewal got through before the lease's deadline.
        case expired
    }

    public private(set) var item: WorkItem
    private var version: LeaseBook.Version
    private var held: HeldLease
    private let index: CoordinationIndex
    /// What every token of this lease starts with, and no other lease's does.
    private let tokenPrefix: String
    private var writes = 0

    init(item: WorkItem, version: LeaseBook.Version, claimSentAt: ContinuousClock.Instant, index: CoordinationIndex, tokenPrefix: String) {
        self.item = item
        self.version = version
        self.held = HeldLease(duration: .milliseconds(item.leaseMilliseconds ?? 180_000), claimSentAt: claimSentAt)
        self.index = index
        self.tokenPrefix = tokenPrefix
    }

    /// When the next renewal is due.
    public var renewalDue: ContinuousClock.Instant { held.renewalDue }

    /// Throws unless this worker may still write documents of the item.
    public func checkValid() throws(Lost) {
        guard held.isValid(at: .now) else { throw .expired }
    }

    /// Renews the lease and records the checkpoint, the counts and (`deadLetters`) this worker's dead-letter file when it
    /// refused documents of the item. Returns false when the cluster did not answer (try again soon); throws ``Lost``
    /// when the item was taken over or the deadline passed.
    public func renew(checkpoint: Int?, counts: WorkItem.Counts, deadLetters: String? = nil) async throws -> Bool {
        let sentAt = ContinuousClock.now
        guard held.isValid(at: sentAt) else { throw Lost.expired }
        var next = item
        next.renewals += 1
        next.checkpoint = checkpoint
        next.counts = counts
        next.deadLetters = Self.files(item.deadLetters, adding: deadLetters)
        next.renewedAt = Coordinator.timestamp()
        next.leaseToken = nextToken()
        do {
            try await write(next, sentAt: sentAt)
            return true
        } catch is CoordinationIndex.Unavailable {
            return false
        }
    }

    /// Records the item as done (`deadLetters` as for ``renew(checkpoint:counts:deadLetters:)``). Allowed after the
    /// writing deadline: the documents are all acknowledged, and the conditional write fails if another worker took the
    /// item over in the meantime. Returns false when it did.
    public func finish(counts: WorkItem.Counts, seconds: Double, deadLetters: String?) async throws -> Bool {
        var next = item
        next.state = .done
        next.checkpoint = nil
        next.counts = counts
        next.seconds = seconds
        next.doneAt = Coordinator.timestamp()
        next.deadLetters = Self.files(item.deadLetters, adding: deadLetters)
        next.leaseToken = nextToken()
        do {
            try await write(next, sentAt: .now)
            return true
        } catch is Lost {
            return false
        }
    }

    /// An earlier holder's refusals stay in its own file: the item names every file that holds some.
    static func files(_ named: String?, adding file: String?) -> String? {
        let files = Set((named.map(WorkItem.files) ?? []) + (file.map { [$0] } ?? []))
        return files.isEmpty ? nil : files.sorted().joined(separator: ", ")
    }

    private func write(_ next: WorkItem, sentAt: ContinuousClock.Instant) async throws {
        var next = next
        while true {
            switch try await index.replace(next.id, next, ifAt: version) {
            case .applied(let newVersion):
                adopt(next, newVersion, sentAt: sentAt)
                return
            case .conflict:
                guard let current = try await index.get(next.id, as: WorkItem.self) else { throw Lost.takenOver(by: nil) }
                // Our own write may have applied with its answer lost: the token tells.
                if current.value.leaseToken == next.leaseToken {
                    adopt(next, current.version, sentAt: sentAt)
                    return
                }
                // An earlier write of this same lease (a renewal cancelled in flight) came first: go on from it.
                if current.value.leaseToken?.hasPrefix(tokenPrefix) == true {
                    version = current.version
                    next.renewals = max(next.renewals, current.value.renewals + 1)
                    continue
                }
                throw Lost.takenOver(by: current.value.owner)
            }
        }
    }

    private func adopt(_ next: WorkItem, _ newVersion: LeaseBook.Version, sentAt: ContinuousClock.Instant) {
        item = next
        version = newVersion
        held.confirm(sentAt: sentAt)
    }

    private func nextToken() -> String {
        writes += 1
        return tokenPrefix + "\(writes)"
    }
}
