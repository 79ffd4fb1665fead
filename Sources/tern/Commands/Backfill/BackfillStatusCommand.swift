import ArgumentParser
import Coordination
import Foundation
import SearchClient
import State
import TernCore

/// `tern backfill status`: what the state folder says about past and running backfills, or (`--coordinate`) what the
/// coordination index says about a shared one.
struct BackfillStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the progress of backfills recorded in the state folder, or of a shared backfill.",
        discussion: """
            With --coordinate, reads the coordination index of a shared backfill (on the target, or \
            --coordination-cluster) from any machine: items done, leased (by whom, since when, checkpoint) and pending, \
            each worker's throughput, and the time left at the current pace. Without --run-name it shows the only \
            shared backfill there, or lists them.
            """)

    @Option(
        name: .long, help: ArgumentHelp("Configuration file (default: tern.yml in the working directory, if present).", valueName: "path"))
    var config: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Target cluster URL (with --coordinate); replaces the endpoints of target: in tern.yml.", valueName: "url"))
    var target: String?

    @Flag(name: .long, help: "Show a shared backfill from its coordination index instead of the local state folder.")
    var coordinate = false

    @Option(
        name: .customLong("coordination-cluster"),
        help: ArgumentHelp("Where the coordination index is (default: the target).", valueName: "url"))
    var coordinationCluster: String?

    @Option(name: .customLong("run-name"), help: ArgumentHelp("The shared backfill to show.", valueName: "name"))
    var runName: String?

    @OptionGroup var state: StateFolderOption

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if !coordinate, runName != nil || coordinationCluster != nil || target != nil {
            throw ValidationError("--run-name, --coordination-cluster and --target belong to --coordinate.")
        }
    }

    func run() async throws {
        if coordinate { return try await showShared() }
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

    private func showShared() async throws {
        let configuration = try ConfigurationLoader().resolve(path: config, sourceURL: nil, targetURL: target)
        guard let cluster = try ConfigurationLoader.coordinationCluster(coordinationCluster, in: configuration) ?? configuration.target
        else {
            throw TernError(
                .configuration, "Say where the shared backfill is: --target URL (or target: in tern.yml), or --coordination-cluster URL.")
        }
        let client = try SearchClient(configuration: cluster, logger: global.makeLogger())
        do {
            let reader = SharedBackfillReader(client: client)
            var names = [String]()
            if let runName {
                names = [runName]
            } else {
                names = try await reader.runNames()
            }
            var statuses: [SharedBackfillStatus] = []
            for name in names {
                if let status = try await reader.status(runName: name) { statuses.append(status) }
            }
            try? await client.shutdown()
            if json {
                Terminal.standardOutput.write(try JSONOutput.encode(statuses) + "\n")
            } else if statuses.isEmpty {
                Terminal.standardOutput.write(
                    runName.map { "No shared backfill named \($0) on \(client.displayName).\n" }
                        ?? "No shared backfill on \(client.displayName).\n")
            } else {
                Terminal.standardOutput.write(statuses.map { SharedBackfillStatusPrinter().render($0) }.joined(separator: "\n"))
            }
            if runName != nil && statuses.isEmpty { throw ExitCode(TernExitCode.failure.rawValue) }
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
