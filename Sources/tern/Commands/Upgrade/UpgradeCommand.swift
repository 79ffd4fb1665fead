import ArgumentParser

/// `tern upgrade`: in-place upgrades.
struct UpgradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Plan, guard and run in-place upgrades: rolling, restart, and Docker Compose deployments.",
        discussion: """
            The cluster to upgrade is source: in tern.yml, or --cluster URL. Hooks and timeouts come from the \
            upgrade: section of tern.yml.
              tern upgrade plan --to os:2.19.1                 path and blockers
              tern upgrade plan --from es-oss:7.10.2 --to os:2.19.1 --json
              tern upgrade rolling --to os:2.19.1              node by node
              tern upgrade restart --to os:2.19.1              all nodes at once
              tern upgrade docker --compose docker-compose.yml --to 2.19.1
              tern upgrade status                              recorded progress
              tern upgrade verify                              compare with before
            A stopped rolling, restart or docker upgrade resumes when the same command runs again.
            """,
        subcommands: [
            UpgradePlanCommand.self, UpgradeRollingCommand.self, UpgradeRestartCommand.self, UpgradeDockerCommand.self,
            UpgradeStatusCommand.self, UpgradeVerifyCommand.self,
        ])
}
