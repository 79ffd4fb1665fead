import TernCore
import Testing

@testable import SearchClient

@Suite struct RetryPolicyTests {
    /// A generator that always draws the largest value, to see the ceilings.
    struct Maximum: RandomNumberGenerator {
        mutating func next() -> UInt64 { .max }
    }

    let policy = RetryPolicy(settings: RetrySettings(maxAttempts: 4, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(500)))

    @Test func ceilingsDoubleUpToTheCap() {
        #expect(
            (1...5).map { policy.ceiling(afterAttempt: $0) } == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(500), .milliseconds(500),
            ])
    }

    @Test func attemptsAreBounded() {
        #expect(policy.shouldRetry(attempt: 3))
        #expect(!policy.shouldRetry(attempt: 4))
        #expect(!RetryPolicy(settings: RetrySettings(maxAttempts: 1)).shouldRetry(attempt: 1))
    }

    @Test func jitterStaysWithinTheCeiling() {
        var generator = SystemRandomNumberGenerator()
        let delays = (0..<200).map { _ in policy.delay(afterAttempt: 2, using: &generator) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .milliseconds(200) })
        #expect(Set(delays).count > 10, "full jitter spreads the waits")
    }

    @Test func retryAfterIsHonouredUpToTheCap() {
        var generator = Maximum()
        #expect(policy.delay(afterAttempt: 1, retryAfter: .milliseconds(300), using: &generator) == .milliseconds(300))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(30), using: &generator) == .milliseconds(500))
    }

    @Test func busyStatusesAreRetryable() {
        #expect(RetryPolicy.retryableStatuses == [429, 502, 503, 504])
    }
}
