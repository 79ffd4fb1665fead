import Foundation

/// How a worker takes part in a shared backfill.
public struct CoordinationSettings: Sendable {
    /// How long a lease lasts without renewal before another worker may take the item over.
    public var lease: Duration
    /// How long a worker with nothing to claim waits at most before it looks again: it starts at ``firstPoll`` and
    /// doubles while there is still nothing, so a short backfill ends promptly and a long tail costs few requests.
    public var poll: Duration
    /// The first wait of a worker with nothing to claim.
    public var firstPoll: Duration

    /// The wait after `previous` (nil: the first one).
    public func nextPoll(after previous: Duration?) -> Duration {
        guard let previous else { return firstPoll }
        return min(poll, previous * 2)
    }
    /// How long a worker keeps trying a coordination cluster that does not answer before it gives up (exit 3).
    public var giveUp: Duration
    /// This worker's name in the coordination index: host, process and a random part, unique per start.
    public var worker: String
    /// A file to append claim and release events to, with the machine's monotonic clock (for tests and diagnosis).
    public var tracePath: String?

    public init(
        lease: Duration = .seconds(180), poll: Duration? = nil, giveUp: Duration? = nil, worker: String = Self.workerName(),
        tracePath: String? = nil
    ) {
        self.lease = lease
        self.poll = poll ?? min(.seconds(5), lease / 6)
        self.firstPoll = min(.milliseconds(250), self.poll)
        self.giveUp = giveUp ?? max(.seconds(300), lease * 2)
        self.worker = worker
        self.tracePath = tracePath
    }

    /// `host-pid-abcd`: unique per process start, readable in `tern backfill status`.
    public static func workerName() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
    }
}
