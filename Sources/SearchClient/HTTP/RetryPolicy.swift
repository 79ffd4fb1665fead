import TernCore

/// Decides whether and when to try a request again: exponential backoff with full jitter, bounded attempts.
///
/// Pure logic, no I/O, so the schedule is tested directly.
public struct RetryPolicy: Sendable {
    public var settings: RetrySettings

    public init(settings: RetrySettings) {
        self.settings = settings
    }

    /// Statuses that mean "busy or briefly unavailable, try again": 429 Too Many Requests, 502, 503, 504.
    public static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    /// Whether attempt number `attempt` (1-based) that ended this way may be followed by another.
    public func shouldRetry(attempt: Int) -> Bool {
        attempt < settings.maxAttempts
    }

    /// The longest wait before attempt `attempt + 1`: initial x 2^(attempt-1), capped.
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        let factor = 1 << min(max(attempt - 1, 0), 30)
        let ceiling = settings.initialBackoff * factor
        return min(ceiling, settings.maxBackoff)
    }

    /// A wait drawn uniformly from [0, ceiling] ("full jitter"), so many clients do not retry in lock step.
    /// A server's `Retry-After` wins when it asks for longer, still capped by `maxBackoff`.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil, using generator: inout some RandomNumberGenerator) -> Duration
    {
        let ceiling = ceiling(afterAttempt: attempt)
        let milliseconds = ceiling.inMilliseconds
        var delay = Duration.milliseconds(milliseconds > 0 ? Int64.random(in: 0...milliseconds, using: &generator) : 0)
        if let retryAfter, retryAfter > delay {
            delay = min(retryAfter, settings.maxBackoff)
        }
        return delay
    }
}
