import ArgumentParser
import Foundation
import TernCore
import Upgrade

/// `tern upgrade docker`: a Docker Compose deployment, rewritten and (with --apply) restarted on the new version.
struct UpgradeDockerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docker",
        abstract: "Rewrite a Compose file's OpenSearch images for a new version; with --apply, run the upgrade.",
        discussion: """
            Without --apply nothing changes: the rewritten file is printed (or a diff with --diff). Image tags of \
            OpenSearch and OpenSearch Dashboards move to --to; Elasticsearch OSS and Kibana OSS images become their \
            OpenSearch equivalents, with the environment variables and paths the new images read. Comments and \
            formatting stay as they are. Downgrades and skipped majors are refused.

            With --apply: snapshot (when a repository is registered), <compose_command> -f FILE down, rewrite (the \
            original is kept as FILE.pre-upgrade), <compose_command> -f FILE up -d, wait for the nodes and for health, \
            compare document counts. upgrade.compose_command in tern.yml (default: docker compose) names the command. \
            The cluster is source: of tern.yml or --cluster (default http://localhost:9200).
            """)

    @OptionGroup var cluster: UpgradeClusterOptions
    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("The Compose file.", valueName: "path"))
    var compose: String

    @Flag(name: .long, help: "Print a unified diff instead of the rewritten file.")
    var diff = false

    @Flag(name: .long, help: "Run the upgrade: down, rewrite, up, wait, verify.")
    var apply = false

    /// `--to`, and for `--apply`: the state folder, the snapshot, `--fresh`, `--restart-all`, `--json`.
    @OptionGroup var options: UpgradeRunOptions

    func run() async throws {
        let target = try UpgradeCLI.target(options.to)
        let configuration = try cluster.load()
        let upgrade = ComposeUpgrade(file: compose, settings: configuration.upgrade)
        guard apply else {
            let rewrite = try upgrade.preview(to: target.version)
            for note in rewrite.notes { Terminal.standardError.write("note: \(note)\n") }
            if rewrite.isUnchanged {
                Terminal.standardError.write("note: \(compose) already runs \(target.displayName); nothing to change.\n")
            }
            Terminal.standardOutput.write(diff ? rewrite.diff(name: (compose as NSString).lastPathComponent) : rewrite.text)
            return
        }
        let logger = global.makeLogger()
        let clusterConfiguration: ClusterConfiguration
        if let source = configuration.source {
            clusterConfiguration = source
        } else {
            UpgradeCLI.report("No cluster named (--cluster or source: in tern.yml): using http://localhost:9200.")
            clusterConfiguration = ClusterConfiguration(role: "source", endpoints: [URL(string: "http://localhost:9200")!])
        }
        let progress = try await upgrade.apply(
            try options.request(configuration), configuration: clusterConfiguration, logger: logger, report: UpgradeCLI.report)
        try UpgradeCLI.finish(progress, json: options.json)
    }
}
