import ArgumentParser
import Capture
import TernCore

/// `tern proxy status`
struct ProxyStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a running proxy's mode, counters and capture log position.",
        discussion: """
            Asks the proxy's admin endpoint (GET /_tern/proxy/status with the admin token). Counters count since the \
            proxy started: requests, reads passed through, writes captured (request and answer durable in the log), \
            writes forwarded uncaptured, errors the proxy answered itself, writes held and hold timeouts. The capture \
            position is the segment file and byte offset after the last record written.

            The proxy and its token come from the flags, else from migration: in tern.yml (proxy, proxy_token_file, \
            or the token tern proxy generated beside capture_dir), so that an operator in the migration folder types \
            only the command.

            Examples:
              tern proxy status
              tern proxy status --proxy http://10.0.0.5:9200 --admin-token-file /etc/tern/proxy.token --json

            Exit code 0 when the proxy answered; 2 when no token is given; 3 when the proxy cannot be reached or \
            refuses the token.
            """)

    @Option(
        name: .long, help: ArgumentHelp("Configuration file (default: tern.yml in the working directory, if present).", valueName: "path"))
    var config: String?

    @OptionGroup var proxy: ProxyOptions

    @Flag(name: .long, help: "Print the proxy's answer as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = global.makeLogger()
        let migration = try ConfigurationLoader().resolve(path: config, sourceURL: nil, targetURL: nil).migration
        let client = try proxy.client(migration)
        let status = try await client.status()
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(status) + "\n")
        } else {
            Terminal.standardOutput.write(ProxyStatusPrinter(proxy: ClusterConfiguration.display(client.url), status: status).human())
        }
    }
}
