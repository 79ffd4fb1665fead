import Foundation
import Testing

@testable import TernCore

/// The `upgrade:` section of tern.yml: hooks, the compose command, timeouts, and one sentence per mistake.
@Suite struct UpgradeSettingsTests {
    let loader = ConfigurationLoader(environment: ["NODE_USER": "search"])

    func failure(_ yaml: String) -> String {
        do {
            _ = try loader.parse(yaml)
            Issue.record("accepted:\n\(yaml)")
            return ""
        } catch let error as TernError {
            #expect(error.exitCode == .usage)
            return error.message
        } catch {
            Issue.record("unexpected \(error)")
            return ""
        }
    }

    @Test func defaultsWithoutTheSection() throws {
        let settings = try loader.parse("migration:\n  state_dir: .tern\n").upgrade
        #expect(settings == UpgradeSettings())
        #expect(settings.composeCommand == "docker compose")
        #expect(settings.restartNodeHooks.isEmpty && settings.stopClusterHooks.isEmpty && settings.startClusterHooks.isEmpty)
        #expect(settings.nodeTimeout == .seconds(600) && settings.healthTimeout == .seconds(1800))
        #expect(settings.maxDiskPercent == 85 && settings.snapshotRepository == nil)
    }

    @Test func readsHooksTimeoutsAndComposeCommand() throws {
        let settings = try loader.parse(
            """
            upgrade:
              hooks:
                restart_node: ssh ${NODE_USER}@{host} sudo systemctl restart opensearch
                stop_cluster:
                  - docker compose stop opensearch-node1
                  - docker compose stop opensearch-node2
                start_cluster: docker compose up -d
              compose_command: docker-compose
              node_timeout: 2m
              health_timeout: 10m
              poll_interval: 500ms
              hook_timeout: 5m
              snapshot_repository: backups
              max_disk_percent: 80
            """
        ).upgrade
        #expect(settings.restartNodeHooks.map(\.command) == ["ssh search@{host} sudo systemctl restart opensearch"])
        #expect(
            settings.restartNodeHooks.first?.substituting(["host": "10.0.0.7"]) == "ssh search@10.0.0.7 sudo systemctl restart opensearch")
        #expect(settings.restartNodeHooks.first?.origin.contains("upgrade.hooks.restart_node") == true)
        #expect(
            settings.stopClusterHooks.map(\.command) == ["docker compose stop opensearch-node1", "docker compose stop opensearch-node2"])
        #expect(settings.startClusterHooks.map(\.command) == ["docker compose up -d"])
        #expect(settings.composeCommand == "docker-compose")
        #expect(settings.nodeTimeout == .seconds(120) && settings.healthTimeout == .seconds(600))
        #expect(settings.pollInterval == .milliseconds(500) && settings.hookTimeout == .seconds(300))
        #expect(settings.snapshotRepository == "backups" && settings.maxDiskPercent == 80)
    }

    @Test func unknownKeysAreNamedWithWhatIsAccepted() {
        let message = failure("upgrade:\n  node_timout: 2m\n")
        #expect(message.contains("unknown key 'upgrade.node_timout'"))
        #expect(message.contains("accepts hooks, compose_command, node_timeout"))
        let hook = failure("upgrade:\n  hooks:\n    restart: systemctl restart opensearch\n")
        #expect(hook.contains("unknown key 'upgrade.hooks.restart'") && hook.contains("restart_node, stop_cluster, start_cluster"))
    }

    @Test func badValuesGetOneSentenceWithTheLine() {
        #expect(failure("upgrade:\n  node_timeout: soon\n").contains("line 2, upgrade.node_timeout: 'soon' is not a duration"))
        #expect(failure("upgrade:\n  max_disk_percent: 120\n").contains("'120' is not a whole number from 1 to 100"))
        #expect(failure("upgrade:\n  hooks:\n    restart_node: \"  \"\n").contains("upgrade.hooks.restart_node: the command is empty"))
        #expect(failure("upgrade:\n  compose_command: \"\"\n").contains("upgrade.compose_command: the command is empty"))
        #expect(failure("upgrade:\n  hooks: docker restart\n").contains("expected a section of keys"))
    }
}
