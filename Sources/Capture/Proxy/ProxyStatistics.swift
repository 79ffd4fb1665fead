/// A snapshot of the proxy's counters and gauges.
public struct ProxyStatistics: Sendable, Hashable {
    /// Client requests handled (admin endpoints excluded).
    public var requests: Int
    /// Requests passed through uncaptured.
    public var reads: Int
    /// Writes whose request and response records are both durable in a capture log.
    public var writesCaptured: Int
    /// Writes forwarded without a complete capture record (`forward-uncaptured` policy).
    public var writesUncaptured: Int
    /// Answers the proxy produced itself as errors: 413, 502, 503.
    public var errors: Int
    /// Requests the upstream cluster did not answer (502).
    public var upstreamFailures: Int
    /// Times a capture record could not be written.
    public var captureFailures: Int
    /// Writes that ever had to wait in `hold-writes`.
    public var writesHeld: Int
    /// Held writes that gave up after the hold timeout.
    public var holdTimeouts: Int
    /// Writes waiting right now.
    public var heldWritesNow: Int
    /// Client requests being handled right now.
    public var inFlight: Int
    /// Captured writes between capture of the request and the answer, right now.
    public var inFlightWrites: Int
    /// Reads recorded with their answer in the read log (`--read-log`).
    public var readsLogged: Int
    /// Read log records that could not be written (the reads were served all the same).
    public var readLogFailures: Int
}
