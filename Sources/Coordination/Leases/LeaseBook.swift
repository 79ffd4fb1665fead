/// What one worker has seen of the leases others hold, and which of them have lapsed.
///
/// Workers' wall clocks are never compared: a lease is judged by its version (the coordination document's `_seq_no` and
/// `_primary_term`). The holder writes a new version each time it renews; an observer that has seen the same version
/// for longer than the lease's duration, by its own monotonic clock and counting from when it first saw that version,
/// may take the item over. Since the observer first saw the version after the holder sent it, the holder's own deadline
/// (``HeldLease``) always comes first.
public struct LeaseBook: Sendable {
    /// A version of a coordination document.
    public struct Version: Sendable, Hashable {
        public var seqNo: Int64
        public var primaryTerm: Int64

        public init(seqNo: Int64, primaryTerm: Int64) {
            self.seqNo = seqNo
            self.primaryTerm = primaryTerm
        }
    }

    private struct Sighting: Sendable {
        var version: Version
        var firstSeen: ContinuousClock.Instant
        var duration: Duration
    }

    private var sightings: [String: Sighting] = [:]

    public init() {}

    /// Records that item `id` is leased at `version` with a lease of `duration`, as seen at `now`.
    public mutating func observe(_ id: String, version: Version, duration: Duration, at now: ContinuousClock.Instant) {
        if let known = sightings[id], known.version == version {
            sightings[id]?.duration = duration
            return
        }
        sightings[id] = Sighting(version: version, firstSeen: now, duration: duration)
    }

    /// Forgets an item that is no longer leased (done, or claimed back to pending).
    public mutating func forget(_ id: String) {
        sightings[id] = nil
    }

    /// Forgets every item not in `ids`: what a fresh listing of the leased items no longer shows.
    public mutating func keepOnly(_ ids: Set<String>) {
        sightings = sightings.filter { ids.contains($0.key) }
    }

    /// Whether the lease of `id` at `version` has gone unrenewed for longer than its duration.
    public func hasLapsed(_ id: String, version: Version, at now: ContinuousClock.Instant) -> Bool {
        guard let sighting = sightings[id], sighting.version == version else { return false }
        return now - sighting.firstSeen > sighting.duration
    }

    /// The items whose leases have lapsed at `now`, in id order.
    public func lapsed(at now: ContinuousClock.Instant) -> [String] {
        sightings.filter { now - $0.value.firstSeen > $0.value.duration }.keys.sorted()
    }
}
