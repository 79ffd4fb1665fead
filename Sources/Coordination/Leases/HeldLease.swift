/// The holder's side of a lease: when to renew, and when to stop writing because renewals did not get through.
///
/// Every moment is the holder's monotonic clock; a renewal counts from when it was *sent*, so network delays only make
/// the holder stop earlier. The holder stops at ``stopFraction`` of the lease, observers wait for the whole lease from
/// when they first saw the version (``LeaseBook``): the gap absorbs a write that was in flight when it stopped.
public struct HeldLease: Sendable {
    /// The lease as the coordination document states it.
    public let duration: Duration
    /// When the last renewal that the cluster confirmed was sent (or the claim).
    public private(set) var confirmedAt: ContinuousClock.Instant

    /// Renew after this share of the lease.
    public static let renewFraction = 1.0 / 3.0
    /// Stop writing after this share of the lease without a confirmed renewal.
    public static let stopFraction = 0.75

    public init(duration: Duration, claimSentAt: ContinuousClock.Instant) {
        self.duration = duration
        self.confirmedAt = claimSentAt
    }

    /// The cluster confirmed a renewal sent at `sentAt`.
    public mutating func confirm(sentAt: ContinuousClock.Instant) {
        if sentAt > confirmedAt { confirmedAt = sentAt }
    }

    /// When the next renewal is due.
    public var renewalDue: ContinuousClock.Instant { confirmedAt + duration * Self.renewFraction }

    /// The moment after which the holder must not write for this item any more.
    public var deadline: ContinuousClock.Instant { confirmedAt + duration * Self.stopFraction }

    /// Whether the holder may still write at `now`.
    public func isValid(at now: ContinuousClock.Instant) -> Bool { now < deadline }
}
