import ArgumentParser
import Replication
import TernCore

/// `tern ccr status`
struct CCRStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Each follower's replication state and lag (operations behind its leader).",
        discussion: """
            Exit code 0 when every selected index is followed, 1 when one is not (or its replication failed), 2 for \
            usage mistakes, 3 when a cluster cannot be reached.
            """)

    @OptionGroup var options: CCROptions

    func run() async throws {
        let statuses = try await options.runner().status()
        if options.json {
            print(try JSONOutput.encode(statuses))
        } else {
            for status in statuses {
                let lag = status.lag.map { ", \($0) operations behind" } ?? ""
                let reason = status.reason.map { " (\($0))" } ?? ""
                print("\(status.follower): \(status.status)\(lag)\(reason)")
            }
            if statuses.isEmpty { print("no open source index matches the selection") }
        }
        if statuses.isEmpty || !statuses.allSatisfy(\.isReplicating) { throw ExitCode(TernExitCode.failure.rawValue) }
    }
}
