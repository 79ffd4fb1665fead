import Foundation
import Testing

@testable import TernCore

/// The hook runner: real `/bin/sh` commands.
@Suite struct HookRunnerTests {
    @Test func runsACommandWithItsEnvironmentAndCapturesItsOutput() async throws {
        let outcome = try await HookRunner(timeout: .seconds(120), environment: ["TERN_NODE": "node-1"]).run(
            "echo restarting $TERN_NODE; echo oops >&2; exit 3")
        #expect(outcome.status == 3 && !outcome.timedOut)
        #expect(outcome.output.contains("restarting node-1") && outcome.lastLine == "oops")
    }

    @Test func aServerLeftRunningInTheBackgroundDoesNotHoldTheHook() async throws {
        let started = ContinuousClock.now
        let outcome = try await HookRunner(timeout: .seconds(20)).run("sleep 120 & echo $! > /dev/null; echo started")
        #expect(outcome.status == 0 && outcome.output.contains("started"))
        #expect(
            ContinuousClock.now - started < .seconds(100),
            "the hook ended with its shell, not with its background child (a hang guard below 120 s)")
    }

    @Test func aHookPastItsTimeoutIsStoppedWithItsChildren() async throws {
        let outcome = try await HookRunner(timeout: .milliseconds(300)).run("sleep 200; echo never")
        #expect(outcome.timedOut && outcome.status != 0 && !outcome.output.contains("never"))
    }
}
