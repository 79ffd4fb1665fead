import ArgumentParser
import Backfill
import Orchestration
import TernCore

/// `tern migrate`
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "The whole blue-green run from tern.yml: check, metadata, backfill, replay, validate, and the cutover with --cutover.",
        discussion: """
            Each step is what its own command does (tern check, tern metadata migrate, tern backfill, tern replay \
            --until-drained, tern validate, tern cutover), recorded in the state folder: a stopped run resumes at its \
            first unfinished step. Without --cutover it stops with the target in sync, ready for tern cutover; keep tern \
            replay running meanwhile when clients write through the proxy. With --cutover the validation happens in the \
            cutover gate, with writes held, where the comparison is exact.

            Examples:
              tern migrate                                 from tern.yml
              tern migrate --source http://old:9200 --target http://new:9200 --index 'logs-*'
              tern migrate --proxy http://127.0.0.1:9400 --cutover

            Exit code 0 when every step passed, 1 when one failed (run again to resume), 2 for usage mistakes, 3 when a \
            cluster cannot be reached.
            """)

    @OptionGroup var workflow: WorkflowOptions

    @Flag(name: .long, help: "Cut over after the copy (see tern cutover).")
    var cutover = false

    @Flag(name: .long, help: "Run again from the start even though the last migration completed.")
    var restart = false

    @Option(name: .long, help: ArgumentHelp("Slices copied at once by the backfill.", valueName: "n"))
    var concurrency = 4

    @Option(name: .long, help: ArgumentHelp("Share of documents the validation compares, 0 < rate <= 1.", valueName: "rate"))
    var sample: Double = 1

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard sample > 0, sample <= 1 else { throw ValidationError("--sample must be more than 0 and at most 1.") }
        guard concurrency > 0 else { throw ValidationError("--concurrency must be positive.") }
    }

    func run() async throws {
        let logger = global.makeLogger()
        let (_, workspace) = try workflow.workspace()
        let runner = MigrateRunner(
            workspace: workspace,
            options: MigrateRunner.Options(cutover: cutover, restart: restart, concurrency: concurrency, sampleRate: sample),
            logger: logger)
        let progress = BackfillProgress()
        let display = ProgressDisplay(progress: progress, interactive: !json && Terminal.standardError.isTerminal)
        let ticker = Task { await display.run() }
        defer {
            ticker.cancel()
            display.finish()
        }
        let outcome = try await OperationCommandSupport.interruptible(.migrate) { try await runner.run(progress: progress) }
        ticker.cancel()
        display.finish()
        try OperationCommandSupport.finish(outcome, json: json)
    }
}
