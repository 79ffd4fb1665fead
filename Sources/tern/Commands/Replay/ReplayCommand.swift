import ArgumentParser

/// `tern replay`
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Apply the writes recorded by tern proxy to the target, in order, and keep following the log.",
        subcommands: [ReplayRunCommand.self, ReplayStatusCommand.self],
        defaultSubcommand: ReplayRunCommand.self)
}
