import ArgumentParser
import Capture
import Foundation
import Migration
import TernCore

/// `tern replay [run]`
struct ReplayRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Apply the capture log to the target from the saved position; follow it until stopped.",
        discussion: """
            Reads the capture folder that tern proxy writes and applies every write the source accepted to the target, \
            in log order, with the same --index/--rename selection as backfill. Index and delete requests carry the \
            source's _seq_no as an external version, so replay and backfill may run in any order and an older copy \
            never overwrites a newer one. Updates, scripted updates and writes whose answer never reached the log are \
            re-read from the source (--source) and written as the source holds them now. _update_by_query and \
            _delete_by_query mark the index for `tern validate --repair`.

            The position is saved in the state folder after the target acknowledged each step: a stopped or killed \
            replay continues where it was. Lag (records not yet applied and how old the oldest is) is in \
            `tern replay status`.

            Examples:
              tern replay --source http://old:9200 --target http://new:9200
              tern replay --until-drained --rename 'orders:orders-v2' --json

            Exit codes (with --until-drained): 0 when everything logged so far is applied exactly, 1 when something \
            could not be (damage in the log, refused or unsupported writes, indices to repair), 2 usage, 3 unreachable.
            """)

    @OptionGroup var clusters: ClusterOptions
    @OptionGroup var indices: IndexSelectionOptions

    @Option(name: .customLong("capture-dir"), help: ArgumentHelp("The capture folder tern proxy writes.", valueName: "path"))
    var captureDirectory = ".tern/capture"

    @Flag(name: .customLong("until-drained"), help: "Stop once everything logged so far is applied.")
    var untilDrained = false

    @Option(
        name: .customLong("unanswered-timeout"),
        help: ArgumentHelp(
            "Seconds a logged request may wait for its logged answer before its documents are re-read from the source.",
            valueName: "seconds"))
    var unansweredTimeout = 60.0

    @Option(
        name: .customLong("batch-size"),
        help: ArgumentHelp("Logged writes applied per step (the position is saved after each).", valueName: "n"))
    var batchSize = 2000

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("The state folder.", valueName: "path"))
    var stateDirectory = ".tern"

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard unansweredTimeout >= 0 else { throw ValidationError("--unanswered-timeout must not be negative.") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive.") }
    }

    func run() async throws {
        let logger = global.makeLogger()
        let configuration = try clusters.load()
        let options = ReplayerOptions(
            captureDirectory: captureDirectory, selection: try indices.selection(), untilDrained: untilDrained,
            unansweredTimeout: .milliseconds(Int64(unansweredTimeout * 1000)), batchSize: batchSize, stateDirectory: stateDirectory)
        let replayer = Replayer(
            source: try configuration.requireSource(), target: try configuration.requireTarget(), options: options, logger: logger)
        let interactive = !json && Terminal.standardError.isTerminal
        let report = try await replayer.run { progress in
            guard interactive else { return }
            Terminal.standardError.write(
                "\r\u{1B}[2K" + "replay: \(progress.exchanges) writes applied, lag \(String(format: "%.1f", progress.lagSeconds)) s")
        }
        if interactive { Terminal.standardError.write("\n") }
        Terminal.standardOutput.write(json ? try JSONOutput.encode(report) + "\n" : ReplayReportPrinter(report: report).human())
        if !report.ok { throw ExitCode(TernExitCode.failure.rawValue) }
    }
}
