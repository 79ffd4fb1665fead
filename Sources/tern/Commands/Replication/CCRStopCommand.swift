import ArgumentParser
import Replication
import TernCore

/// `tern ccr stop`
struct CCRStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop following: each follower becomes an ordinary writable index, and cannot resume.",
        discussion: """
            Stop only once the followers have caught up with writes blocked on the source (tern ccr status shows lag 0), \
            or documents written since are missing on the target. Following again starts from an empty index.

            Exit code 0 when nothing of the selection is followed any more, 2 for usage mistakes, 3 when a cluster \
            cannot be reached.
            """)

    @OptionGroup var options: CCROptions

    func run() async throws {
        let stopped = try await options.runner().stop()
        if options.json {
            print(try JSONOutput.encode(["stopped": stopped]))
        } else {
            print(stopped.isEmpty ? "No follower of the selection was replicating." : "Stopped: \(stopped.joined(separator: ", ")).")
        }
    }
}
