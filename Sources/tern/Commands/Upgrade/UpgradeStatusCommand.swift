import ArgumentParser
import Foundation
import TernCore
import Upgrade

/// `tern upgrade status`: the recorded progress.
struct UpgradeStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the progress of the current or last in-place upgrade (<state-dir>/upgrade.json).")

    @Option(name: .long, help: ArgumentHelp("State folder (default: migration.state_dir of tern.yml, .tern).", valueName: "path"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("Configuration file.", valueName: "path"))
    var config: String?

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let folder = try stateDir ?? ConfigurationLoader().resolve(path: config, sourceURL: nil, targetURL: nil).migration.stateDirectory
        let file = UpgradeProgressFile(stateDirectory: folder)
        guard let progress = try file.load() else {
            throw TernError(.invalidArgument, "No upgrade is recorded in \(file.url.path): none ran here (or pass --state-dir).")
        }
        if json {
            Terminal.standardOutput.write(try UpgradeProgressPrinter.json(progress) + "\n")
        } else {
            Terminal.standardOutput.write(UpgradeProgressPrinter(color: Terminal.standardOutput.supportsColor).render(progress))
        }
    }
}
