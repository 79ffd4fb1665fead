import ArgumentParser

/// `tern upgrade`: in-place upgrades.
struct UpgradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Plan, guard and run in-place upgrades: rolling, restart, and Docker Compose deployments.",
        discussion: """
            The cluster to upgrade is the source: of tern.yml, or --cluster URL. Hooks and timeouts come from the upgrade: \
            section of tern.yml (tern init writes a commented sample).
              tern upgrade plan --to opensearch:2.19.1                  path and blockers of the live cluster
              tern upgrade plan --from es-oss:7.10.2 --to os:2.19.1     the path alone, offline
              tern upgrade rolling --to opensearch:2.19.1               one node at a time (upgrade.hooks.restart_node)
              tern upgrade restart --to opensearch:2.19.1               all nodes at once (stop_cluster, start_cluster)
              tern upgrade docker --compose docker-compose.yml --to 2.19.1 [--diff] [--apply]
              tern upgrade status                                       the recorded progress (.tern/upgrade.json)
              tern upgrade verify                                       the cluster against the record taken before
            A stopped rolling, restart or docker upgrade resumes when the same command runs again.
            """,
        subcommands: [
            UpgradePlanCommand.self, UpgradeRollingCommand.self, UpgradeRestartCommand.self, UpgradeDockerCommand.self,
            UpgradeStatusCommand.self, UpgradeVerifyCommand.self,
        ])
}
