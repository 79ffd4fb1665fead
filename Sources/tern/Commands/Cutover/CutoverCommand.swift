import ArgumentParser
import Orchestration

/// `tern cutover`
struct CutoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cutover",
        abstract: "Move clients from the source to the target through gates; resumable, aborted safely when a gate fails.",
        discussion: """
            Steps, each recorded in the state folder and the audit log (.tern/audit.log) with who ran it:
              1. preconditions: both clusters reachable, the backfill complete, the replay lag under cutover.max_lag, \
            and a way to move clients (the proxy, or cutover.hooks.switch in tern.yml)
              2. hold-writes: the proxy holds new writes (clients wait, nothing fails) and writes in flight finish
              3. block-source: index.blocks.write on the migrated source indices, so writes that bypass the proxy fail \
            instead of being lost
              4. drain: the replay applies the capture log to its end
              5. validate: counts and a sample (cutover.gate_sample, 10% by default) after a validation that passed \
            within cutover.max_validation_age; otherwise, or with --full, every document
              6. switch-clients: the switch hooks run, then the proxy routes everything to the target (held writes go there)
              7. switch-monitors: the alerting monitors tern metadata migrate copied (disabled) are enabled on the target \
            and disabled on the source, each source monitor that runs with its namesake; skipped without the Alerting plugin

            A failed gate or hook, or an error, aborts: switched monitors run on the source again, the proxy routes to the source again, the blocks this cutover \
            placed are removed and rollback hooks undo switch hooks that ran. A killed cutover resumes at its first \
            unfinished step when run again. Give the proxy a --hold-timeout longer than the drain and the gate take.

            Examples:
              tern cutover --dry-run
              tern cutover --proxy http://127.0.0.1:9400 --full
              tern cutover --json

            Exit code 0 when clients are on the target, 1 when a gate failed (the source takes writes again), 2 for \
            usage mistakes, 3 when a cluster cannot be reached.
            """)

    @OptionGroup var workflow: WorkflowOptions

    @Flag(name: .customLong("dry-run"), help: "Print the plan and each gate's answer now; change nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Compare every document at the gate, even after a recent passed validation.")
    var full = false

    @Flag(
        name: .customLong("no-backfill-check"),
        help: "Do not require a completed backfill in the state folder (documents copied another way).")
    var noBackfillCheck = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.makeLogger()
        let (_, workspace) = try workflow.workspace()
        let runner = CutoverRunner(
            workspace: workspace, options: CutoverRunner.Options(full: full, skipBackfillCheck: noBackfillCheck), logger: logger)
        if dryRun {
            let plan = try await runner.plan()
            Terminal.standardOutput.write(json ? try JSONOutput.encode(plan) + "\n" : OperationPrinter.plan(plan))
            return
        }
        let outcome = try await OperationCommandSupport.interruptible(.cutover) { try await runner.run() }
        try OperationCommandSupport.finish(outcome, json: json)
    }
}
