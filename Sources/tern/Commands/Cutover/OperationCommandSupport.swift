import ArgumentParser
import Foundation
import Orchestration
import TernCore

/// Printing and exit codes shared by the operation commands.
enum OperationCommandSupport {
    /// Prints the outcome and exits with its code when it did not complete.
    static func finish(_ outcome: OperationOutcome, json: Bool) throws {
        Terminal.standardOutput.write(json ? try JSONOutput.encode(outcome) + "\n" : OperationPrinter.human(outcome))
        if !outcome.ok { throw ExitCode(outcome.exitCode.rawValue) }
    }

    /// Runs `work` so that Ctrl-C stops it between requests, with a sentence on how to resume.
    static func interruptible<T: Sendable>(_ kind: OperationKind, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await work() }
        let interrupt = InterruptHandler { task.cancel() }
        defer { withExtendedLifetime(interrupt) {} }
        do {
            return try await task.value
        } catch {
            if interrupt.fired || error is CancellationError {
                Terminal.standardError.write("Stopped. Every finished step is recorded; run tern \(kind.rawValue) again to resume.\n")
                throw ExitCode(130)
            }
            throw error
        }
    }
}
