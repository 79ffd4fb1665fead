import Synchronization

/// Counters, gauges and upstream latencies of one proxy; updated lock-free from every connection.
final class ProxyMetrics: Sendable {
    let requests = Atomic<Int>(0)
    let reads = Atomic<Int>(0)
    let writesCaptured = Atomic<Int>(0)
    let writesUncaptured = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
    let upstreamFailures = Atomic<Int>(0)
    let captureFailures = Atomic<Int>(0)
    let writesHeld = Atomic<Int>(0)
    let holdTimeouts = Atomic<Int>(0)
    let inFlight = Atomic<Int>(0)
    let inFlightWrites = Atomic<Int>(0)
    let readsLogged = Atomic<Int>(0)
    let readLogFailures = Atomic<Int>(0)
    private let latencies = Mutex(LatencyWindow())

    /// The most recent upstream latencies, enough for stable p50/p99 without unbounded memory.
    private struct LatencyWindow {
        static let capacity = 4096
        var samples: [Double] = []
        var next = 0
        var count = 0
        var sum = 0.0

        mutating func add(_ seconds: Double) {
            if samples.count < Self.capacity {
                samples.append(seconds)
            } else {
                samples[next] = seconds
                next = (next + 1) % Self.capacity
            }
            count += 1
            sum += seconds
        }
    }

    /// Records the time from sending a request upstream to its answer.
    func recordLatency(_ duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        latencies.withLock { $0.add(seconds) }
    }

    /// Upstream latency quantiles over the recent window, with the all-time count and sum.
    func latencySummary(quantiles: [Double]) -> (values: [Double], count: Int, sum: Double) {
        let (samples, count, sum) = latencies.withLock { ($0.samples, $0.count, $0.sum) }
        guard !samples.isEmpty else { return (quantiles.map { _ in 0 }, count, sum) }
        let sorted = samples.sorted()
        let values = quantiles.map { quantile in
            sorted[min(sorted.count - 1, max(0, Int((quantile * Double(sorted.count)).rounded(.up)) - 1))]
        }
        return (values, count, sum)
    }

    func snapshot(heldWritesNow: Int) -> ProxyStatistics {
        ProxyStatistics(
            requests: requests.load(ordering: .relaxed), reads: reads.load(ordering: .relaxed),
            writesCaptured: writesCaptured.load(ordering: .relaxed), writesUncaptured: writesUncaptured.load(ordering: .relaxed),
            errors: errors.load(ordering: .relaxed), upstreamFailures: upstreamFailures.load(ordering: .relaxed),
            captureFailures: captureFailures.load(ordering: .relaxed), writesHeld: writesHeld.load(ordering: .relaxed),
            holdTimeouts: holdTimeouts.load(ordering: .relaxed), heldWritesNow: heldWritesNow, inFlight: inFlight.load(ordering: .relaxed),
            inFlightWrites: inFlightWrites.load(ordering: .relaxed), readsLogged: readsLogged.load(ordering: .relaxed),
            readLogFailures: readLogFailures.load(ordering: .relaxed))
    }
}
