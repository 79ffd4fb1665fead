import Foundation
import Logging
import TernCore
import TernTestSupport
import Testing

@testable import Upgrade

/// `tern upgrade rolling` run for real: osmem-server nodes restarted by a real shell hook, every gate made to fail once and
/// the run resumed.
@Suite struct RollingUpgradeTests {
    /// Timeouts are hang guards, except where a test makes a gate fail on purpose (`nodeTimeout`, `healthTimeout`).
    func settings(_ node: ScriptedNode, hook: String, nodeTimeout: Duration, healthTimeout: Duration) -> UpgradeSettings {
        UpgradeSettings(
            restartNodeHooks: [node.hook(hook)], nodeTimeout: nodeTimeout, healthTimeout: healthTimeout, pollInterval: .milliseconds(100),
            hookTimeout: .seconds(180))
    }

    func runner(
        _ node: ScriptedNode, hook: String, lines: Lines = Lines(), nodeTimeout: Duration = .seconds(120),
        healthTimeout: Duration = .seconds(120)
    ) -> RollingUpgrade {
        RollingUpgrade(
            configuration: node.configuration(),
            settings: settings(node, hook: hook, nodeTimeout: nodeTimeout, healthTimeout: healthTimeout),
            logger: Logger(label: "test"), report: lines.report)
    }

    func request(_ node: ScriptedNode, to version: String = "3.8.0", restartAll: Bool = true, fresh: Bool = false) -> UpgradeRequest {
        UpgradeRequest(
            target: ClusterVersion(.opensearch, SemanticVersion(version)!),
            stateDirectory: node.folder.appendingPathComponent("state").path,
            restartAll: restartAll, fresh: fresh)
    }

    func recorded(_ node: ScriptedNode) throws -> UpgradeProgress? {
        try UpgradeProgressFile(stateDirectory: node.folder.appendingPathComponent("state").path).load()
    }

    /// Runs the upgrade expecting a gate to stop it; returns the sentence.
    func expectStop(_ runner: RollingUpgrade, _ request: UpgradeRequest, kind: TernError.Kind = .upgradeGate) async -> String {
        do {
            _ = try await runner.run(request)
            Issue.record("the upgrade did not stop")
            return ""
        } catch let error as TernError {
            #expect(error.kind == kind, "\(error.message)")
            return error.message
        } catch {
            Issue.record("unexpected \(error)")
            return ""
        }
    }

    func pid(_ node: ScriptedNode) -> String? {
        try? String(contentsOf: node.folder.appendingPathComponent("pid"), encoding: .utf8)
    }

    @Test func restartsTheNodeThroughTheHookAndVerifiesAgainstTheRecord() async throws {
        try await ScriptedNode.with { node in
            let lines = Lines()
            let before = pid(node)
            let progress = try await runner(node, hook: "restart", lines: lines).run(request(node))
            #expect(progress.status == .completed)
            #expect(progress.nodes.map(\.name) == ["osmem-node"] && progress.nodes.allSatisfy { $0.phase == .done })
            #expect(progress.before?.documents == ["books": 25, "authors": 3])
            #expect(progress.verification?.passed == true, "\(String(describing: progress.verification))")
            #expect(progress.snapshot?.contains("no pre-upgrade snapshot") == true)
            #expect(pid(node) != before, "the hook restarted the osmem process")
            for step in [
                "restricting shard allocation to primaries", "flushing", "Running the restart_node hook", "rejoin on 3.8.0", "re-enabling",
                "done (cluster",
            ] {
                #expect(lines.contains(step), "missing step \(step) in \(lines.all)")
            }
            #expect(try await ClusterProbe.allocation(node.configuration()) == nil, "allocation re-enabled")
            #expect(try recorded(node)?.status == .completed)
        }
    }

    @Test func failingHookStopsWithItsOutputAndTheRunResumes() async throws {
        try await ScriptedNode.with { node in
            let message = await expectStop(runner(node, hook: "fail-once"), request(node))
            #expect(message.contains("The restart_node hook for node osmem-node (test upgrade.hooks.restart_node) exited with status 1"))
            #expect(message.contains("the package manager could not install the new version"))
            #expect(message.contains("shard allocation stays restricted to primaries"))
            #expect(message.contains("run tern upgrade rolling --to 3.8.0 again to resume"))
            let stopped = try #require(try recorded(node))
            #expect(stopped.status == .stopped && stopped.nodes.first?.phase == .flushed && stopped.lastError == message)
            #expect(try await ClusterProbe.allocation(node.configuration()) == "primaries")

            let lines = Lines()
            let resumed = try await runner(node, hook: "fail-once", lines: lines).run(request(node))
            #expect(lines.contains("Resuming the rolling upgrade to opensearch:3.8.0"))
            #expect(!lines.contains("flushing"), "a resumed run starts at the failed step")
            #expect(resumed.status == .completed && resumed.verification?.passed == true)
            #expect(try await ClusterProbe.allocation(node.configuration()) == nil)
        }
    }

    @Test func nodeThatNeverReturnsStopsAndTheRunResumesOnceItIsBack() async throws {
        try await ScriptedNode.with { node in
            let message = await expectStop(runner(node, hook: "stop", nodeTimeout: .seconds(2)), request(node))
            #expect(message.contains("Node osmem-node did not come back on 3.8.0 within 2 s: it did not rejoin the cluster"))
            #expect(try recorded(node)?.nodes.first?.phase == .restarted)
            try await node.run("start")
            let resumed = try await runner(node, hook: "stop").run(request(node))
            #expect(resumed.status == .completed && resumed.verification?.passed == true)
        }
    }

    @Test func nodeBackOnAnotherVersionStopsAndAnotherTargetNeedsFresh() async throws {
        try await ScriptedNode.with { node in
            let message = await expectStop(
                runner(node, hook: "restart-wait", nodeTimeout: .seconds(2)), request(node, to: "3.9.0", restartAll: false))
            #expect(
                message.contains("Node osmem-node did not come back on 3.9.0 within 2 s: it is in the cluster but runs 3.8.0, not 3.9.0"))
            let other = await expectStop(runner(node, hook: "restart-wait"), request(node), kind: .upgradeRefused)
            #expect(other.contains("An unfinished rolling upgrade to opensearch:3.9.0 is recorded"))
            #expect(other.contains("pass --fresh to discard it"))
            let fresh = try await runner(node, hook: "restart-wait").run(request(node, fresh: true))
            #expect(fresh.status == .completed)
        }
    }

    @Test func clusterThatStaysRedStopsAndTheRunResumesOnceItRecovers() async throws {
        try await ScriptedNode.with { node in
            let message = await expectStop(runner(node, hook: "restart-red", healthTimeout: .seconds(2)), request(node))
            #expect(message.contains("The cluster did not return to green within 2 s: it stayed red"))
            #expect(message.contains("GET _cluster/allocation/explain"))
            #expect(try recorded(node)?.nodes.first?.phase == .allocationEnabled)
            _ = try await ClusterProbe.json(node.configuration(), .POST, "/books/_open")
            let resumed = try await runner(node, hook: "restart-red").run(request(node))
            #expect(resumed.status == .completed && resumed.verification?.passed == true)
        }
    }

    @Test func refusesDowngradesSkippedMajorsAndRedClustersWithoutTouchingAnything() async throws {
        try await ScriptedNode.with { node in
            let downgrade = await expectStop(
                runner(node, hook: "restart"), request(node, to: "2.19.1", restartAll: false), kind: .upgradeRefused)
            #expect(downgrade.contains("OpenSearch 2.19.1 is older than OpenSearch 3.8.0") && downgrade.contains("Tern changed nothing"))
            let skip = await expectStop(runner(node, hook: "restart"), request(node, to: "5.0.0", restartAll: false), kind: .upgradeRefused)
            #expect(skip.contains("skips a major"))
            _ = try await ClusterProbe.json(node.configuration(), .POST, "/books/_close")
            let red = await expectStop(runner(node, hook: "restart"), request(node))
            #expect(red.contains("The cluster is red") && red.contains("Tern changed nothing"))
            #expect(try recorded(node) == nil)
            #expect(try await ClusterProbe.allocation(node.configuration()) == nil)
        }
    }

    @Test func nodesAlreadyOnTheTargetAreNotRestarted() async throws {
        try await ScriptedNode.with { node in
            let lines = Lines()
            let progress = try await runner(node, hook: "fail-once", lines: lines).run(request(node, restartAll: false))
            #expect(progress.status == .completed)
            #expect(lines.contains("Every node already runs 3.8.0"))
            #expect(!FileManager.default.fileExists(atPath: node.folder.appendingPathComponent("failed-once").path))
        }
    }
}
