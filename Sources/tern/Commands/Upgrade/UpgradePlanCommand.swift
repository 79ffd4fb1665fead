import ArgumentParser
import Foundation
import TernCore
import Upgrade

/// `tern upgrade plan`: the path to a version and what blocks it on the live cluster.
struct UpgradePlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the in-place path to a version and the blockers found on the cluster.",
        discussion: """
            Steps: rolling-upgrade, restart-upgrade, or blue-green when no in-place path exists (the same compatibility \
            rules as tern check). Live, it also looks for blockers: indices too old for the target, plugins without a \
            target build, removed or deprecated settings, cluster not green, low disk, no snapshot repository, client \
            version checks.
              tern upgrade plan --to opensearch:2.19.1
              tern upgrade plan --from elasticsearch-oss:7.10.2 --to opensearch:2.19.1 --json
            Exit code 0 when the upgrade can start in place, 1 when it needs a blue-green migration or something blocks it.
            """)

    @OptionGroup var cluster: UpgradeClusterOptions
    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("The version to reach (a bare version means OpenSearch).", valueName: "dist:version"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("Plan offline from this version instead of asking the cluster.", valueName: "dist:version"))
    var from: String?

    @Flag(name: .long, help: "Print one JSON object instead of the human summary.")
    var json = false

    func validate() throws {
        if from != nil && cluster.cluster != nil {
            throw ValidationError("Give either --cluster or --from, not both.")
        }
    }

    func run() async throws {
        let logger = global.makeLogger()
        let target = try UpgradeCLI.target(to)
        let plan: UpgradePlan
        if let from {
            let source = try UpgradeVersion.parse(from, flag: "--from")
            plan = UpgradePlanner().plan(from: source, to: target)
        } else {
            let configuration = try cluster.load()
            let clusterConfiguration = try cluster.requireCluster(configuration)
            let facts = try await UpgradeFactsReader(logger: logger).read(clusterConfiguration)
            plan = UpgradePlanner(settings: configuration.upgrade).plan(
                from: facts.profile.version, to: target, facts: facts, endpoint: clusterConfiguration.displayEndpoint)
        }
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(plan) + "\n")
        } else {
            Terminal.standardOutput.write(UpgradePlanPrinter(color: Terminal.standardOutput.supportsColor).render(plan))
        }
        if plan.exitCode != .success { throw ExitCode(plan.exitCode.rawValue) }
    }
}
