import ArgumentParser
import Capture
import Foundation
import TernCore

/// How the admin commands (`tern proxy status`, `tern proxy mode`) reach a running proxy.
struct ProxyOptions: ParsableArguments {
    @Option(
        name: .customLong("proxy"),
        help: ArgumentHelp(
            "The proxy's address (default: http://\(ProxyCommand.defaultHost):\(ProxyCommand.defaultPort)).", valueName: "url"))
    var proxy: String?

    @Option(
        name: .customLong("admin-token-file"),
        help: ArgumentHelp(
            "File holding the admin token (default: $\(AdminToken.environmentVariable), else \(AdminToken.defaultFile)).",
            valueName: "path"))
    var adminTokenFile: String?

    @Option(
        name: .customLong("ca-file"), help: ArgumentHelp("PEM CA certificate to trust for an https proxy address.", valueName: "path"))
    var caFile: String?

    /// The admin client for the proxy named on the command line.
    func client() throws -> ProxyAdminClient {
        let text = proxy ?? "http://\(ProxyCommand.defaultHost):\(ProxyCommand.defaultPort)"
        let url = try ClusterConfiguration.endpoint(text, origin: "--proxy")
        return ProxyAdminClient(url: url, token: try AdminToken.forClient(file: adminTokenFile), tls: TLSSettings(caFile: caFile))
    }
}
