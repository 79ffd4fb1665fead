import Foundation
import Logging
import TernCore
import TernTestSupport
import Testing

@testable import Upgrade

/// `tern upgrade restart` and `tern upgrade docker --apply` run for real against an osmem "node" stopped and started by
/// real shell commands.
@Suite struct RestartUpgradeTests {
    func settings(_ node: ScriptedNode, start: String = "start", nodeTimeout: Duration = .seconds(120)) -> UpgradeSettings {
        UpgradeSettings(
            stopClusterHooks: [HookCommand("sh '\(node.script)' stop", origin: "test stop_cluster")],
            startClusterHooks: [HookCommand("sh '\(node.script)' \(start)", origin: "test start_cluster")],
            nodeTimeout: nodeTimeout, healthTimeout: .seconds(120), pollInterval: .milliseconds(100), hookTimeout: .seconds(120))
    }

    func request(_ node: ScriptedNode) -> UpgradeRequest {
        UpgradeRequest(
            target: ClusterVersion(.opensearch, SemanticVersion(3, 8, 0)), stateDirectory: node.folder.appendingPathComponent("state").path,
            restartAll: true)
    }

    @Test func stopsAndStartsEveryNodeThenVerifiesTheCounts() async throws {
        try await ScriptedNode.with { node in
            let lines = Lines()
            let runner = RestartUpgrade(
                configuration: node.configuration(), settings: settings(node), logger: Logger(label: "test"), report: lines.report)
            let progress = try await runner.run(request(node), actions: try runner.configuredActions)
            #expect(progress.status == .completed && progress.clusterPhase == .verified)
            #expect(progress.verification?.passed == true, "\(String(describing: progress.verification))")
            #expect(
                progress.verification?.checks.first { $0.name == "documents" }?.detail.contains("28 document(s) before, 28 now") == true)
            for step in [
                "Restricting shard allocation", "Flushing", "Running the stop_cluster hook", "Running the start_cluster hook",
                "Waiting for 1 node(s) on 3.8.0", "Re-enabling",
            ] {
                #expect(lines.contains(step), "missing \(step) in \(lines.all)")
            }
            #expect(!lines.contains("rewrote"))
            #expect(try await ClusterProbe.allocation(node.configuration()) == nil)
        }
    }

    @Test func aFailingStartHookStopsWithTheClusterDownAndTheRunResumes() async throws {
        try await ScriptedNode.with { node in
            let runner = RestartUpgrade(
                configuration: node.configuration(), settings: settings(node, start: "fail-once"), logger: Logger(label: "test"),
                report: { _ in })
            do {
                _ = try await runner.run(request(node), actions: try runner.configuredActions)
                Issue.record("the upgrade did not stop")
            } catch let error as TernError {
                #expect(error.kind == .upgradeGate)
                #expect(error.message.contains("The start_cluster hook (test start_cluster) exited with status 1"))
                #expect(
                    error.message.contains("(the cluster may be down)")
                        && error.message.contains("run tern upgrade restart --to 3.8.0 again"))
            }
            let file = UpgradeProgressFile(stateDirectory: request(node).stateDirectory)
            #expect(try file.load()?.clusterPhase == .stopped && file.load()?.status == .stopped)
            let lines = Lines()
            let resumed = try await RestartUpgrade(
                configuration: node.configuration(), settings: settings(node, start: "fail-once"), logger: Logger(label: "test"),
                report: lines.report
            ).run(request(node), actions: try runner.configuredActions)
            #expect(resumed.status == .completed && resumed.verification?.passed == true)
            #expect(!lines.contains("Running the stop_cluster hook"), "a resumed run starts at the failed step")
        }
    }

    @Test func lostDocumentsFailTheVerification() async throws {
        try await ScriptedNode.with { node in
            let runner = RestartUpgrade(
                configuration: node.configuration(), settings: settings(node, start: "start-empty"), logger: Logger(label: "test"),
                report: { _ in })
            let progress = try await runner.run(request(node), actions: try runner.configuredActions)
            let verification = try #require(progress.verification)
            #expect(!verification.passed)
            #expect(verification.checks.first { $0.name == "indices" }?.detail == "Index(es) missing: authors, books.")
        }
    }

    @Test func missingHooksAreAConfigurationError() async throws {
        let runner = RestartUpgrade(
            configuration: ClusterConfiguration(role: "source", endpoints: [URL(string: "http://127.0.0.1:1")!]),
            settings: UpgradeSettings(),
            logger: Logger(label: "test"), report: { _ in })
        #expect(throws: TernError.self) { _ = try runner.configuredActions }
    }

    @Test func dockerApplyRunsDownRewriteUpWithStubDockerCommand() async throws {
        try await ScriptedNode.with { node in
            // A stub `docker` that logs its arguments and stops / starts the osmem node on `down` / `up -d`.
            let stub = node.folder.appendingPathComponent("docker")
            try """
            #!/bin/sh
            echo "$@" >> '\(node.folder.path)/docker.log'
            case "$*" in
              *" down") sh '\(node.script)' stop ;;
              *" up -d") sh '\(node.script)' start ;;
              *) exit 9 ;;
            esac
            """.write(to: stub, atomically: true, encoding: .utf8)
            let compose = node.folder.appendingPathComponent("docker-compose.yml")
            let original =
                "services:\n  opensearch:\n    image: opensearchproject/opensearch:3.7.0 # pinned\n    environment:\n      - discovery.type=single-node\n"
            try original.write(to: compose, atomically: true, encoding: .utf8)
            var settings = settings(node)
            settings.composeCommand = "sh '\(stub.path)' compose"
            let lines = Lines()
            let upgrade = ComposeUpgrade(file: compose.path, settings: settings)
            let progress = try await upgrade.apply(
                request(node), configuration: node.configuration(), logger: Logger(label: "test"), report: lines.report)
            #expect(progress.status == .completed && progress.kind == .docker && progress.verification?.passed == true)
            let log = try String(contentsOf: node.folder.appendingPathComponent("docker.log"), encoding: .utf8)
            #expect(log == "compose -f \(compose.path) down\ncompose -f \(compose.path) up -d\n")
            #expect(try String(contentsOf: compose, encoding: .utf8) == original.replacingOccurrences(of: "3.7.0", with: "3.8.0"))
            #expect(try String(contentsOf: URL(fileURLWithPath: compose.path + ".pre-upgrade"), encoding: .utf8) == original)
            #expect(lines.contains("Rewrote \(compose.path) for OpenSearch 3.8.0"))
        }
    }
}
