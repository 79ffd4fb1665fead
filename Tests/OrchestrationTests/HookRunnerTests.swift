import Foundation
import TernCore
import Testing

@testable import Orchestration

/// Hooks are real `/bin/sh` commands.
struct HookRunnerTests {
    @Test func aHookRunsWithItsPlaceholdersAndEnvironmentAndItsOutputIsKept() async throws {
        let runner = HookRunner(environment: ["TERN_TARGET": "http://new:9200"])
        let outcome = try await runner.run(HookCommand("echo moving {node} to $TERN_TARGET; echo oops >&2"), values: ["node": "node-1"])
        #expect(outcome.succeeded)
        #expect(outcome.output == "moving node-1 to http://new:9200\noops\n")
        #expect(outcome.command == "echo moving node-1 to $TERN_TARGET; echo oops >&2")
    }

    @Test func aFailingHookReportsItsStatus() async throws {
        let outcome = try await HookRunner().run(HookCommand("echo no route; exit 7"))
        #expect(!outcome.succeeded)
        #expect(outcome.exitStatus == 7)
        #expect(outcome.output == "no route\n")
    }

    @Test func aHookPastItsTimeLimitIsKilled() async throws {
        let started = ContinuousClock.now
        let outcome = try await HookRunner(timeout: .milliseconds(300)).run(HookCommand("echo started; exec sleep 600"))
        #expect(outcome.timedOut)
        #expect(!outcome.succeeded)
        #expect(outcome.output == "started\n")
        // A hang guard far below the command's 600 s: the whole suite on 2 cores can delay the kill by a minute.
        #expect(ContinuousClock.now - started < .seconds(300), "the hook was not killed")
    }

    @Test func onlyTheLastEightKilobytesOfALongOutputAreKept() async throws {
        let outcome = try await HookRunner().run(HookCommand("seq 1 20000"))
        #expect(outcome.succeeded)
        #expect(outcome.output.utf8.count <= 8192)
        #expect(outcome.output.hasSuffix("19999\n20000\n"))
    }
}
