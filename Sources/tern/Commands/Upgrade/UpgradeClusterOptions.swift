import ArgumentParser
import Foundation
import TernCore
import Upgrade

/// The cluster an upgrade works on: `source:` of tern.yml, or `--cluster`.
struct UpgradeClusterOptions: ParsableArguments {
    @Option(
        name: .long, help: ArgumentHelp("Configuration file (default: tern.yml in the working directory, if present).", valueName: "path"))
    var config: String?

    @Option(
        name: [.customLong("cluster"), .customLong("source")],
        help: ArgumentHelp("The cluster to upgrade; replaces the endpoints of source: in tern.yml.", valueName: "url"))
    var cluster: String?

    func load() throws -> TernConfiguration {
        try ConfigurationLoader().resolve(path: config, sourceURL: cluster, targetURL: nil)
    }

    /// The cluster, or one sentence on how to name it.
    func requireCluster(_ configuration: TernConfiguration) throws -> ClusterConfiguration {
        guard let source = configuration.source else {
            throw TernError.configuration(
                "No cluster to upgrade: pass --cluster URL or add a source: section to tern.yml (tern init writes a sample).")
        }
        return source
    }
}

/// Options every running upgrade takes.
struct UpgradeRunOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The OpenSearch version every node runs afterwards.", valueName: "dist:version"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("State folder for upgrade.json (default: migration.state_dir, .tern).", valueName: "path"))
    var stateDir: String?

    @Flag(name: .long, help: "Do not take the pre-upgrade snapshot even when a repository is registered.")
    var noSnapshot = false

    @Flag(name: .long, help: "Discard an unfinished upgrade recorded in the state folder instead of resuming it.")
    var fresh = false

    @Flag(name: .long, help: "Also restart nodes that already run the target version (a rolling restart).")
    var restartAll = false

    @Flag(name: .long, help: "Print the final progress as one JSON object.")
    var json = false

    func request(_ configuration: TernConfiguration, nodeOrder: [String]? = nil) throws -> UpgradeRequest {
        let target = try UpgradeCLI.target(to)
        return UpgradeRequest(
            target: target, stateDirectory: stateDir ?? configuration.migration.stateDirectory, restartAll: restartAll,
            takeSnapshot: !noSnapshot, fresh: fresh, nodeOrder: nodeOrder)
    }
}
