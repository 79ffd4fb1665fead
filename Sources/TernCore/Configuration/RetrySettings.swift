/// Bounded retries with exponential backoff and full jitter, for 429/502/503/504 answers and broken connections.
public struct RetrySettings: Sendable, Hashable {
    /// Attempts in total, the first one included. 1 disables retries.
    public var maxAttempts: Int
    /// The backoff before the second attempt; it doubles for each attempt after that.
    public var initialBackoff: Duration
    /// The ceiling of one backoff.
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 6, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(10)) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }
}
