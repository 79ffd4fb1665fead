import ArgumentParser
import Orchestration
import TernCore

/// `tern decommission`
struct DecommissionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decommission",
        abstract: "After a steady period on the target, remove what Tern left behind and list what is still yours to do.",
        discussion: """
            Removes the write blocks the cutover placed on the source, puts back index settings --fast-load changed on \
            the target if a crash left them, and with --delete-capture-logs deletes the capture logs (stop the proxy \
            first). Then prints the checklist of what Tern does not do for you: the final snapshot of the old cluster, \
            DNS, monitoring, shutting it down.

            Examples:
              tern decommission
              tern decommission --steady-period 2h --delete-capture-logs --yes

            Exit code 0 when done, 1 before the steady period or when a step failed (run again to resume), 2 for usage \
            mistakes, 3 when a cluster cannot be reached.
            """)

    @OptionGroup var workflow: WorkflowOptions

    @Option(
        name: .customLong("steady-period"),
        help: ArgumentHelp("How long clients must have been on the target, e.g. 24h, 30m, 0s.", valueName: "duration"))
    var steadyPeriod = "24h"

    @Flag(name: .customLong("delete-capture-logs"), help: "Delete the capture logs (they hold every write since the proxy started).")
    var deleteCaptureLogs = false

    @Flag(name: .long, help: "Do not ask before deleting the capture logs.")
    var yes = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.makeLogger()
        let (_, workspace) = try workflow.workspace()
        guard let period = Duration.parse(steadyPeriod) else {
            throw TernError(.invalidArgument, "--steady-period '\(steadyPeriod)' is not a duration; write it like 24h, 30m or 0s.")
        }
        if deleteCaptureLogs && !yes {
            guard Terminal.standardInput.isTerminal else {
                throw TernError(
                    .invalidArgument, "--delete-capture-logs deletes every logged write; confirm with --yes when not on a terminal.")
            }
            Terminal.standardError.write(
                "Delete the capture logs in \(workspace.captureDirectory) and \(workspace.targetCaptureDirectory)? [y/N] ")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else {
                throw TernError(.invalidArgument, "Not confirmed; nothing was changed.")
            }
        }
        let runner = DecommissionRunner(
            workspace: workspace, options: DecommissionRunner.Options(steadyPeriod: period, deleteCaptureLogs: deleteCaptureLogs),
            logger: logger)
        let outcome = try await OperationCommandSupport.interruptible(.decommission) { try await runner.run() }
        try OperationCommandSupport.finish(outcome, json: json)
    }
}
