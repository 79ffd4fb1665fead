import ArgumentParser
import Orchestration

/// `tern rollback`
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Put clients back on the source, carrying over every write the target accepted since the cutover.",
        discussion: """
            After a completed cutover: the proxy holds writes, the source's write blocks are removed, the writes the \
            proxy sent to the target (its target-side capture log) are replayed to the source, counts and a sample \
            are compared target to source, then the rollback hooks run, the proxy routes to the source, and the \
            monitors the cutover switched run on the source again (disabled on the target). After an \
            unfinished or failed cutover it finishes that cutover's abort. Resumable like a cutover.

            Clients that wrote to the target without the proxy wrote where Tern cannot see: the comparison shows what \
            differs, and tern validate --source TARGET --target SOURCE --repair copies it back.

            Examples:
              tern rollback
              tern rollback --proxy http://127.0.0.1:9400 --json

            Exit code 0 when clients are on the source with nothing found missing, 1 when a step failed (run again to \
            resume) or the comparison found differences, 2 for usage mistakes, 3 when a cluster cannot be reached.
            """)

    @OptionGroup var workflow: WorkflowOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.makeLogger()
        let (_, workspace) = try workflow.workspace()
        let outcome = try await OperationCommandSupport.interruptible(.rollback) {
            try await RollbackRunner(workspace: workspace, logger: logger).run()
        }
        try OperationCommandSupport.finish(outcome, json: json)
    }
}
