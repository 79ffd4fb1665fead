import ArgumentParser

/// `tern upgrade`: in-place upgrades.
struct UpgradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Plan, guard and run in-place upgrades: rolling, restart, and Docker Compose deployments.")
}
