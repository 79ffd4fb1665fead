import ArgumentParser
import Replication
import TernCore

/// `tern ccr plan`
struct CCRPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Check both clusters and every selected index for cross-cluster replication; changes nothing.",
        discussion: """
            Exit code 0 when tern ccr start would replicate every selected index, 1 when something stands in the way \
            (each reason is listed), 2 for usage mistakes, 3 when a cluster cannot be reached.
            """)

    @OptionGroup var options: CCROptions

    func run() async throws {
        let plan = try await options.runner().plan()
        if options.json {
            print(try JSONOutput.encode(plan))
        } else {
            print(
                plan.ready ? "Cross-cluster replication can keep the target in sync:" : "Cross-cluster replication cannot start as it is:")
            for line in CCROptions.lines(plan) { print(line) }
        }
        if !plan.ready { throw ExitCode(TernExitCode.failure.rawValue) }
    }
}
