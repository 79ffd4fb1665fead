import ArgumentParser
import Capture
import TernCore

/// `tern proxy mode MODE`
struct ProxyModeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mode",
        abstract: "Switch a running proxy: source, hold-writes or target.",
        discussion: """
            source: everything goes to the source and writes are captured (the normal state). hold-writes: reads still \
            go to the source, writes wait (up to the proxy's --hold-timeout, then 503) until the mode changes; use it \
            while the replay drains before a cutover. target: everything goes to the target, writes are captured in the \
            target capture log for a rollback; the proxy needs a target cluster for it. Held writes are released into \
            the new mode.

            The proxy and its token come from the flags, else from migration: in tern.yml (proxy, proxy_token_file, \
            or the token tern proxy generated beside capture_dir), so that an operator in the migration folder types \
            only the command.

            Examples:
              tern proxy mode hold-writes
              tern proxy mode target --proxy http://10.0.0.5:9200 --admin-token-file /etc/tern/proxy.token
              tern proxy mode source --json

            Exit code 0 when switched; 2 when the mode is unavailable (no target) or the token is missing; 3 when the \
            proxy cannot be reached or refuses the token.
            """)

    enum ModeChoice: String, ExpressibleByArgument, CaseIterable {
        case source
        case holdWrites = "hold-writes"
        case target

        var mode: ProxyMode { ProxyMode(rawValue: rawValue) ?? .source }
    }

    @Argument(help: "The new mode: source, hold-writes or target.")
    var mode: ModeChoice

    @Option(
        name: .long, help: ArgumentHelp("Configuration file (default: tern.yml in the working directory, if present).", valueName: "path"))
    var config: String?

    @OptionGroup var proxy: ProxyOptions

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = global.makeLogger()
        let migration = try ConfigurationLoader().resolve(path: config, sourceURL: nil, targetURL: nil).migration
        let client = try proxy.client(migration)
        let (now, previous) = try await client.setMode(mode.mode)
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(["mode": now.rawValue, "previous": previous.rawValue]) + "\n")
        } else if now == previous {
            Terminal.standardOutput.write("The proxy at \(ClusterConfiguration.display(client.url)) was already in \(now) mode.\n")
        } else {
            Terminal.standardOutput.write(
                "The proxy at \(ClusterConfiguration.display(client.url)) switched from \(previous) to \(now) mode.\n")
        }
    }
}
