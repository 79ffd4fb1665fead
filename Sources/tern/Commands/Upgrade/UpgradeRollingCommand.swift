import ArgumentParser
import Foundation
import TernCore
import Upgrade

/// `tern upgrade rolling`: one node at a time.
struct UpgradeRollingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolling",
        abstract: "Upgrade the nodes one at a time with the node-restart hook, resumably.",
        discussion: """
            Takes a snapshot when a repository is registered, then for each node (cluster-manager-eligible nodes last): \
            restrict shard allocation to primaries, flush, run upgrade.hooks.restart_node with {node} and {host}, wait \
            until the node rejoins on --to, re-enable allocation, wait for green (yellow for a single node). Finally \
            compares node versions, health and document counts with the record taken before.

            Each step is recorded in <state-dir>/upgrade.json: after a failed gate (hook failed, node not back, cluster \
            not green) fix the cause and run the same command again to resume.
            """)

    @OptionGroup var cluster: UpgradeClusterOptions
    @OptionGroup var options: UpgradeRunOptions
    @OptionGroup var global: GlobalOptions

    @Option(
        name: .long, parsing: .upToNextOption,
        help: ArgumentHelp(
            "Restart the nodes in this order (every node's name), instead of cluster-manager-eligible last.", valueName: "name"))
    var nodes: [String] = []

    func run() async throws {
        let logger = global.makeLogger()
        let configuration = try cluster.load()
        let clusterConfiguration = try cluster.requireCluster(configuration)
        let request = try options.request(
            configuration, nodeOrder: nodes.isEmpty ? nil : nodes.flatMap { $0.split(separator: ",").map(String.init) })
        let progress = try await RollingUpgrade(
            configuration: clusterConfiguration, settings: configuration.upgrade, logger: logger, report: UpgradeCLI.report
        ).run(request)
        try UpgradeCLI.finish(progress, json: options.json)
    }
}
