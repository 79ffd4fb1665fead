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
    func configuredClient(_ settings: MigrationSettings, captureDirectory: String) throws -> ProxyAdminClient? {
        guard let address = proxy ?? settings.proxy else { return nil }
        let url = try ClusterConfiguration.endpoint(address, origin: proxy != nil ? "--proxy" : "migration.proxy in tern.yml")
        return ProxyAdminClient(url: url, token: try token(settings, captureDirectory: captureDirectory), tls: TLSSettings(caFile: caFile))
    }

    /// The admin client for `tern proxy status|mode`: the proxy named by the flags or by `migration.proxy`, else the
    /// address `tern proxy` listens on by default.
    func client(_ settings: MigrationSettings) throws -> ProxyAdminClient {
        if let configured = try configuredClient(settings, captureDirectory: settings.captureDirectory) { return configured }
        let url = try ClusterConfiguration.endpoint("http://\(ProxyCommand.defaultHost):\(ProxyCommand.defaultPort)", origin: "--proxy")
        return ProxyAdminClient(
            url: url, token: try token(settings, captureDirectory: settings.captureDirectory), tls: TLSSettings(caFile: caFile))
    }

    /// The flag's file, `migration.proxy_token_file`, `$TERN_PROXY_TOKEN`, else the `proxy.token` that `tern proxy`
    /// writes beside `captureDirectory`.
    private func token(_ settings: MigrationSettings, captureDirectory: String) throws -> Secret {
        try AdminToken.forClient(
            file: adminTokenFile ?? settings.proxyTokenFile, generated: AdminToken.generatedFile(captureDirectory: captureDirectory))
    }
}
