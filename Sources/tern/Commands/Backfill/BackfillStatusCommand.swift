import ArgumentParser
import Foundation
import State
import TernCore

/// `tern backfill status`: what the state folder says about past and running backfills.
struct BackfillStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the progress of backfills recorded in the state folder.")

    @Option(
        name: .long, help: ArgumentHelp("Configuration file (default: tern.yml in the working directory, if present).", valueName: "path"))
    var config: String?

    @OptionGroup var state: StateFolderOption

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let stateDirectory = try state.resolve(config: config)
        let store = try StateFolderOption.openExisting(stateDirectory, nothing: "no backfill has run here yet")
        let runs = try await store.runs(kind: .backfill)
        let pendingSettings = try await store.allSettingsToRestore()
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(runs) + "\n")
            return
        }
        guard !runs.isEmpty else {
            Terminal.standardOutput.write("No backfill recorded in \(stateDirectory).\n")
            return
        }
        var out = ""
        for summary in runs {
            let totals = summary.totals
            out += "run \(summary.run.id) \(summary.run.status.rawValue): \(summary.run.description)\n"
            out +=
                "  units \(summary.doneUnits) done, \(summary.pendingUnits) pending; \(totals.read) read, \(totals.written) written, \(totals.alreadyNewer) already newer, \(totals.failed) failed\n"
        }
        for setting in pendingSettings {
            out +=
                "--fast-load left \(setting.setting) of \(setting.index) on \(setting.cluster) changed (was \(setting.originalValue ?? "unset")); the next backfill to that target puts it back\n"
        }
        Terminal.standardOutput.write(out)
    }
}
