import ArgumentParser
import Foundation
import TernCore
import Upgrade

/// `tern upgrade restart`: every node at once.
struct UpgradeRestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Stop every node, start them on the new version, verify, resumably.",
        discussion: """
            Snapshot (when a repository is registered), restrict allocation, flush, run upgrade.hooks.stop_cluster, then \
            upgrade.hooks.start_cluster, wait until every node is back on --to, re-enable allocation, wait for green, and \
            compare every index's document count with the record taken before. Each step is recorded in \
            <state-dir>/upgrade.json; run the same command again to resume after a stop.
            """)

    @OptionGroup var cluster: UpgradeClusterOptions
    @OptionGroup var options: UpgradeRunOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.makeLogger()
        let configuration = try cluster.load()
        let clusterConfiguration = try cluster.requireCluster(configuration)
        let request = try options.request(configuration)
        let runner = RestartUpgrade(
            configuration: clusterConfiguration, settings: configuration.upgrade, logger: logger, report: UpgradeCLI.report)
        let progress = try await runner.run(request, actions: try runner.configuredActions)
        try UpgradeCLI.finish(progress, json: options.json)
    }
}
