import ArgumentParser
import Compatibility
import Foundation
import TernCore

/// `tern check`: both clusters, and which upgrade strategies can take the source to the target.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check both clusters and recommend how to move the source to the target.",
        discussion: """
            For each side: reachable, authenticated, distribution and version, health, nodes, indices, documents, size \
            and plugins. Then the verdict: which strategies can work (rolling-upgrade, restart-upgrade, \
            snapshot-restore, remote-reindex, document-copy), which one Tern recommends and why, and warnings.

            Without clusters, give versions instead (DISTRIBUTION:VERSION with a distribution of elasticsearch-oss, \
            elasticsearch, opendistro or opensearch):
              tern check --source-version es:7.17.9 --target-version os:2.19.1
            One side can be live and the other offline, to plan a target that does not exist yet.

            Exit code 0 when a strategy is possible, 1 when none is, 3 when a cluster cannot be reached or refuses \
            the credentials, 2 for a configuration mistake.
            """
    )

    @OptionGroup var clusters: ClusterOptions
    @OptionGroup var global: GlobalOptions

    @Option(
        name: .long,
        help: ArgumentHelp("Check offline with this source version instead of asking the source cluster.", valueName: "dist:version"))
    var sourceVersion: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Check offline with this target version instead of asking the target cluster.", valueName: "dist:version"))
    var targetVersion: String?

    @Flag(name: .long, help: "Print one JSON object instead of the human summary.")
    var json = false

    func validate() throws {
        if sourceVersion != nil && clusters.source != nil {
            throw ValidationError("Give either --source or --source-version, not both.")
        }
        if targetVersion != nil && clusters.target != nil {
            throw ValidationError("Give either --target or --target-version, not both.")
        }
    }

    func run() async throws {
        let logger = global.makeLogger()
        let source: CheckRunner.Side
        let target: CheckRunner.Side
        let offlineOnly = sourceVersion != nil && targetVersion != nil
        let configuration = offlineOnly ? TernConfiguration() : try clusters.load()
        if let sourceVersion {
            source = .offline(try ClusterVersion(parsing: sourceVersion, flag: "--source-version"))
        } else {
            source = .live(try configuration.requireSource())
        }
        if let targetVersion {
            target = .offline(try ClusterVersion(parsing: targetVersion, flag: "--target-version"))
        } else {
            target = .live(try configuration.requireTarget())
        }
        let report = await CheckRunner(logger: logger).run(source: source, target: target)
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(report) + "\n")
        } else {
            Terminal.standardOutput.write(CheckReportPrinter(color: Terminal.standardOutput.supportsColor).render(report))
        }
        if report.exitCode != .success {
            throw ExitCode(report.exitCode.rawValue)
        }
    }
}
