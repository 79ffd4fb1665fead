import ArgumentParser
import Capture
import Foundation
import TernCore

/// How a command reaches a running proxy's admin endpoints: `tern proxy status|mode`, and the commands that drive or
/// show the proxy during a migration (`migrate`, `cutover`, `rollback`, `decommission`, `status`).
struct ProxyOptions: ParsableArguments {
    @Option(
        name: .customLong("proxy"),
        help: ArgumentHelp(
            "The proxy's address (default: migration.proxy in tern.yml; tern proxy status|mode fall back to http://\(ProxyCommand.defaultHost):\(ProxyCommand.defaultPort)).",
            valueName: "url"))
    var proxy: String?

    @Option(
        name: .customLong("admin-token-file"),
        help: ArgumentHelp(
            "File holding the admin token (default: migration.proxy_token_file, $\(AdminToken.environmentVariable), else proxy.token beside the capture folder, \(AdminToken.defaultFile)).",
            valueName: "path"))
    var adminTokenFile: String?

    @Option(
        name: .customLong("ca-file"), help: ArgumentHelp("PEM CA certificate to trust for an https proxy address.", valueName: "path"))
    var caFile: String?

    /// The proxy named by the flags or by `migration.proxy`, nil when neither names one (clients do not use a proxy).
    /// The token: the flag's file, `migration.proxy_token_file`, `$TERN_PROXY_TOKEN`, else the `proxy.token` that
    /// `tern proxy` writes beside `captureDirectory`.
    func configuredClient(_ settings: MigrationSettings, captureDirectory: String) throws -> ProxyAdminClient? {
        guard let address = proxy ?? settings.proxy else { return nil }
        let url = try ClusterConfiguration.endpoint(address, origin: proxy != nil ? "--proxy" : "migration.proxy in tern.yml")
        let tokenFile = adminTokenFile ?? settings.proxyTokenFile
        let token: Secret
        if tokenFile == nil, let (given, _) = try AdminToken.given(file: nil) {
            token = given
        } else {
            token = try AdminToken.forClient(file: tokenFile ?? AdminToken.generatedFile(captureDirectory: captureDirectory))
        }
        return ProxyAdminClient(url: url, token: token, tls: TLSSettings(caFile: caFile))
    }

    /// The admin client for the proxy named on the command line.
    func client() throws -> ProxyAdminClient {
        let text = proxy ?? "http://\(ProxyCommand.defaultHost):\(ProxyCommand.defaultPort)"
        let url = try ClusterConfiguration.endpoint(text, origin: "--proxy")
        return ProxyAdminClient(url: url, token: try AdminToken.forClient(file: adminTokenFile), tls: TLSSettings(caFile: caFile))
    }
}
