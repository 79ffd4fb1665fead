import ArgumentParser
import Foundation
import Logging
import SearchClient
import TernCore
import Upgrade

/// `tern upgrade verify`: the cluster now against the record taken before the upgrade.
struct UpgradeVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare node versions, health, indices and document counts with the record taken before the upgrade.",
        discussion: "Exit code 0 when everything matches, 1 when something differs.")

    @OptionGroup var cluster: UpgradeClusterOptions
    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("State folder (default: migration.state_dir, .tern).", valueName: "path"))
    var stateDir: String?

    @Flag(name: .long, help: "Documents may have been added since the record (clients kept writing).")
    var allowGrowth = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let logger = global.makeLogger()
        let configuration = try cluster.load()
        let file = UpgradeProgressFile(stateDirectory: stateDir ?? configuration.migration.stateDirectory)
        guard let progress = try file.load(), let before = progress.before,
            let target = try? ClusterVersion(parsing: progress.target, flag: "target")
        else {
            throw TernError(
                .invalidArgument, "No pre-upgrade record in \(file.url.path): run tern upgrade rolling, restart or docker --apply first.")
        }
        let clusterConfiguration = try cluster.requireCluster(configuration)
        let verification = try await UpgradeVerifier(logger: logger).verify(
            clusterConfiguration, before: before, target: target, allowGrowth: allowGrowth || progress.kind == .rolling)
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(verification) + "\n")
        } else {
            Terminal.standardOutput.write(UpgradeProgressPrinter(color: Terminal.standardOutput.supportsColor).render(verification))
        }
        if !verification.passed { throw ExitCode(TernExitCode.failure.rawValue) }
    }
}
