import ArgumentParser
import Capture
import Foundation
import State
import TernCore

/// `tern replay status`
struct ReplayStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show how far replays got: position, counts, lag, and what needs a repair.")

    @Option(
        name: .long, help: ArgumentHelp("Configuration file (default: tern.yml in the working directory, if present).", valueName: "path"))
    var config: String?

    @OptionGroup var folders: FolderOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let migration = try ConfigurationLoader().resolve(path: config, sourceURL: nil, targetURL: nil).migration
        let stateDirectory = folders.stateDirectory(migration)
        let captureDirectory = folders.captureDirectory(migration)
        let store = try StateFolderOption.openExisting(stateDirectory, nothing: "no replay has run here yet")
        let directory = Replayer.stateKey(captureDirectory: captureDirectory)
        let reports = try await ReplayStatus.reports(store: store, captureDirectory: captureDirectory)
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(reports) + "\n")
            return
        }
        guard !reports.isEmpty else {
            Terminal.standardOutput.write("No replay of \(directory) recorded in \(stateDirectory).\n")
            return
        }
        Terminal.standardOutput.write(reports.map { ReplayReportPrinter(report: $0).human() }.joined(separator: "\n"))
    }
}
