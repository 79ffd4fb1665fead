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

            Examples:
              tern proxy status
              tern proxy status --proxy http://10.0.0.5:9200 --admin-token-file /etc/tern/proxy.token --json

            Exit code 0 when the proxy answered; 2 when no token is given; 3 when the proxy cannot be reached or \
            refuses the token.
            """)

    @OptionGroup var proxy: ProxyOptions

    @Flag(name: .long, help: "Print the proxy's answer as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        _ = global.makeLogger()
        let client = try proxy.client()
        let status = try await client.status()
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(status) + "\n")
        } else {
            Terminal.standardOutput.write(ProxyStatusPrinter(proxy: ClusterConfiguration.display(client.url), status: status).human())
        }
    }
}
