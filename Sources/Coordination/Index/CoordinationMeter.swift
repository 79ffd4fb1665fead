import Synchronization
import TernCore

/// Counts events and the time they took (a worker's requests to the coordination cluster, its claims), so that
/// reports can say what coordinating cost next to the copying.
public final class CoordinationMeter: Sendable {
    public struct Reading: Sendable, Equatable, Codable {
        public var requests = 0
        public var seconds = 0.0
    }

    private let state = Mutex(Reading())

    public init() {}

    public var reading: Reading { state.withLock { $0 } }

    /// Counts one event that took `elapsed`.
    public func add(_ elapsed: Duration) {
        let seconds = elapsed.inSeconds
        state.withLock {
            $0.requests += 1
            $0.seconds += seconds
        }
    }
}
