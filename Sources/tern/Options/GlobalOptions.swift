import ArgumentParser
import Logging
import Synchronization
import TernCore

/// Logging options every command takes. Logs go to standard error; results to standard output.
struct GlobalOptions: ParsableArguments {
    /// The levels a user can pick, mirrored from swift-log so the command line owns its own parsing.
    enum LogLevel: String, ExpressibleByArgument, CaseIterable {
        case trace, debug, info, notice, warning, error, critical

        var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .notice }
    }

    @Option(name: .long, help: "Log detail on standard error.")
    var logLevel: LogLevel = .notice

    @Flag(name: [.short, .long], help: "Log errors only.")
    var quiet = false

    /// Sets up logging once for the process and returns the command's logger.
    func makeLogger() -> Logger {
        let level = quiet ? Logger.Level.error : logLevel.level
        // swift-log allows one bootstrap per process, and a second one crashes: a command that asks twice gets the first.
        Self.bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        return Logger(label: "tern")
    }

    private static let bootstrapped = Mutex(false)
}
