import Foundation

/// Named points where a test can make Tern die with SIGKILL, to prove that every step resumes correctly after a
/// crash at its worst moment: its change made, its completion not yet recorded.
///
/// Only the environment variable `TERN_TEST_CRASH_AT` (a point name such as `cutover.block-source`) arms one; it is
/// for the test suite, not for operators.
enum CrashPoint {
    static func reached(_ name: String) {
        guard ProcessInfo.processInfo.environment["TERN_TEST_CRASH_AT"] == name else { return }
        kill(getpid(), SIGKILL)
    }
}
