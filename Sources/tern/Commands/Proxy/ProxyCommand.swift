import ArgumentParser

/// `tern proxy`: the capture proxy and its admin commands.
struct ProxyCommand: AsyncParsableCommand {
    /// Where the proxy listens unless `--listen` says otherwise: loopback, outside the clusters' usual HTTP (9200-9299)
    /// and transport (9300-9399) port ranges, so it never collides with a local node.
    static let defaultHost = "127.0.0.1"
    static let defaultPort = 9400

    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Forward clients to the source and record every write in the capture log.",
        discussion: """
            Point clients at the proxy instead of the source. Reads pass through; every write (documents, bulk, \
            deletes, index metadata) is recorded in the capture log before the client gets its answer, so `tern replay` \
            can apply it to the target. `tern proxy` alone runs `tern proxy serve` until Ctrl-C or SIGTERM; the other \
            subcommands talk to a running proxy through its admin endpoints (/_tern/proxy/...).

            Examples:
              tern proxy --source http://old:9200                     listen on 127.0.0.1:9400, log to .tern/capture
              tern proxy --listen 0.0.0.0:9200 --source https://old:9200 --sync interval:5
              tern proxy status                                       mode, counters, log position
              tern proxy mode hold-writes                             park writes during the cutover
              tern proxy mode target                                  send everything to the target

            The admin token comes from --admin-token-file or TERN_PROXY_TOKEN; without either, tern proxy generates one \
            and writes it to the folder above the capture folder (.tern/proxy.token), where status and mode find it.
            """,
        subcommands: [ProxyServeCommand.self, ProxyStatusCommand.self, ProxyModeCommand.self],
        defaultSubcommand: ProxyServeCommand.self
    )
}
