import ArgumentParser
import Logging
import TernCore

/// Logging options every command takes. Logs go to standard error; results to standard output.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Log detail on standard error.", valueName: "trace|debug|info|notice|warning|error|critical"))
    var logLevel: Logger.Level = .notice

    @Flag(name: [.short, .long], help: "Log errors only.")
    var quiet = false

    /// Sets up logging once for the process and returns the command's logger.
    func makeLogger() -> Logger {
        let level = quiet ? Logger.Level.error : logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "tern")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
