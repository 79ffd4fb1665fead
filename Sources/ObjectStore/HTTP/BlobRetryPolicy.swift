/// When to try an object-store request again: exponential backoff with full jitter, as the stores' own guidance asks
/// for throttling, and a bounded number of attempts so a dead store ends the run with a sentence.
package struct BlobRetryPolicy: Sendable {
    package var maxAttempts: Int
    package var baseDelay: Double
    package var maxDelay: Double

    package init(maxAttempts: Int = 8, baseDelay: Double = 0.1, maxDelay: Double = 10) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The seconds to wait before attempt `attempt + 1` after `failure` (attempts count from 1), or nil to give up.
    /// - Parameter random: a value in 0..<1 (the jitter).
    package func delay(after failure: BlobFailure, attempt: Int, random: Double) -> Double? {
        guard failure.isRetryable, attempt < maxAttempts else { return nil }
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 20)))
        let jittered = ceiling * random
        if let asked = failure.retryAfter { return min(maxDelay, max(asked, jittered)) }
        return jittered
    }
}
