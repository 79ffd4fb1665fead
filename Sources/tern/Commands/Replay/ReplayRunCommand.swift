import ArgumentParser
import Capture
import Foundation
import State
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
            re-read from the source (--source) and written as the source holds them now. _update_by_query, \
            _delete_by_query and _reindex mark the (destination) index for `tern validate --repair`. Index-level \
            calls follow the renames too (paths and _aliases actions); index creations and mapping updates are \
            adapted to the target's version by the same rules as `tern metadata` (6.x mapping types removed). \
            Rollovers are reported, not repeated.

            The position is saved in the state folder after the target acknowledged each step: a stopped or killed \
            replay continues where it was. Lag (records not yet applied and how old the oldest is) is in \
            `tern replay status`.

            With --metrics-listen HOST:PORT the replay serves Prometheus metrics at http://HOST:PORT/metrics while \
            it runs (port 0 picks a free one; the address goes to standard error): tern_replay_* counters of \
            exchanges applied, documents written, deleted, already newer and re-read, admin calls and failures (totals \
            saved in the state folder, so they continue across restarts), and gauges of the lag, the position and \
            the time of the last applied write.

            Examples:
              tern replay --source http://old:9200 --target http://new:9200
              tern replay --until-drained --rename 'orders:orders-v2' --json
              tern replay --metrics-listen 0.0.0.0:9464

            Exit codes (with --until-drained): 0 when everything logged so far is applied exactly, 1 when something \
            could not be (damage in the log, refused or unsupported writes, indices to repair), 2 usage, 3 unreachable.
            """)

    @OptionGroup var clusters: ClusterOptions
    @OptionGroup var indices: IndexSelectionOptions

    @OptionGroup var folders: FolderOptions

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

    @Option(
        name: .customLong("metrics-listen"),
        help: ArgumentHelp(
            "Serve Prometheus metrics at http://HOST:PORT/metrics while replaying; port 0 picks a free one.", valueName: "host:port"))
    var metricsListen: String?

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
        let stateDirectory = folders.stateDirectory(configuration.migration)
        let captureDirectory = folders.captureDirectory(configuration.migration)
        let options = ReplayerOptions(
            captureDirectory: captureDirectory, selection: try indices.selection(), untilDrained: untilDrained,
            unansweredTimeout: .milliseconds(Int64(unansweredTimeout * 1000)), batchSize: batchSize)
        let target = try configuration.requireTarget()
        let store = try StateStore(folder: stateDirectory)
        let replayer = Replayer(
            source: try configuration.requireSource(), target: target, options: options, store: store, logger: logger)
        var metrics: ReplayMetrics?
        var endpoint: MetricsEndpoint?
        if let metricsListen {
            let address = try ListenAddress(parsing: metricsListen, flag: "--metrics-listen")
            let replayMetrics = ReplayMetrics(
                initial: try await store.replayProgress(
                    captureDirectory: Replayer.stateKey(captureDirectory: captureDirectory), target: target.displayEndpoint))
            let started = try await MetricsEndpoint.start(host: address.host, port: address.port, render: replayMetrics.prometheusText)
            Terminal.standardError.write("Replay metrics at \(started.url)\n")
            metrics = replayMetrics
            endpoint = started
        }
        let interactive = !json && Terminal.standardError.isTerminal
        let report: ReplayReport
        do {
            report = try await replayer.run { [metrics] progress in
                metrics?.record(progress)
                guard interactive else { return }
                Terminal.standardError.write(
                    "\r\u{1B}[2K" + "replay: \(progress.exchanges) writes applied, lag \(String(format: "%.1f", progress.lagSeconds)) s")
            }
        } catch {
            await endpoint?.close()
            throw error
        }
        await endpoint?.close()
        if interactive { Terminal.standardError.write("\n") }
        Terminal.standardOutput.write(json ? try JSONOutput.encode(report) + "\n" : ReplayReportPrinter(report: report).human())
        if !report.ok { throw ExitCode(TernExitCode.failure.rawValue) }
    }
}
