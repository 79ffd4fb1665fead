import ArgumentParser
import Capture
import Foundation
import Migration
import Orchestration
import TernCore

/// What `tern migrate`, `cutover`, `rollback` and `decommission` share: the clusters, the indices, the workspace
/// folders and the proxy, from tern.yml (`migration:`, `cutover:`) overridden by flags.
struct WorkflowOptions: ParsableArguments {
    @OptionGroup var clusters: ClusterOptions
    @OptionGroup var indices: IndexSelectionOptions

    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp("The state folder (default: migration.state_dir, else .tern).", valueName: "path"))
    var stateDirectory: String?

    @Option(
        name: .customLong("capture-dir"),
        help: ArgumentHelp("The proxy's capture log folder (default: migration.capture_dir, else .tern/capture).", valueName: "path"))
    var captureDirectory: String?

    @Option(
        name: .customLong("target-capture-dir"),
        help: ArgumentHelp(
            "The proxy's target-side capture log folder, replayed by a rollback (default: .tern/capture-target).", valueName: "path"))
    var targetCaptureDirectory: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The running tern proxy that clients write through (default: migration.proxy; none when unset).", valueName: "url"))
    var proxy: String?

    @Option(
        name: .customLong("admin-token-file"),
        help: ArgumentHelp(
            "The proxy's admin token file (default: migration.proxy_token_file, $\(AdminToken.environmentVariable), else proxy.token beside the capture folder).",
            valueName: "path"))
    var adminTokenFile: String?

    @Option(
        name: .customLong("proxy-ca-file"), help: ArgumentHelp("PEM CA certificate to trust for an https proxy address.", valueName: "path")
    )
    var proxyCAFile: String?

    /// The loaded configuration and the workspace it describes.
    func workspace() throws -> (TernConfiguration, Workspace) {
        let configuration = try clusters.load()
        let settings = configuration.migration
        let captureDirectory = captureDirectory ?? settings.captureDirectory
        var selection = try indices.selection()
        if selection.include.isEmpty { selection.include = settings.indices.filter { !$0.hasPrefix("-") } }
        if selection.exclude.isEmpty { selection.exclude = settings.indices.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) } }
        var proxyClient: ProxyAdminClient?
        if let address = proxy ?? settings.proxy {
            let url = try ClusterConfiguration.endpoint(address, origin: proxy != nil ? "--proxy" : "migration.proxy in tern.yml")
            let tokenFile = adminTokenFile ?? settings.proxyTokenFile
            let token: Secret
            if tokenFile == nil, let (given, _) = try AdminToken.given(file: nil) {
                token = given
            } else {
                token = try AdminToken.forClient(file: tokenFile ?? AdminToken.generatedFile(captureDirectory: captureDirectory))
            }
            proxyClient = ProxyAdminClient(url: url, token: token, tls: TLSSettings(caFile: proxyCAFile))
        }
        let workspace = Workspace(
            source: try configuration.requireSource(), target: try configuration.requireTarget(), selection: selection,
            stateDirectory: stateDirectory ?? settings.stateDirectory, captureDirectory: captureDirectory,
            targetCaptureDirectory: targetCaptureDirectory ?? Self.sibling(of: captureDirectory, named: "capture-target"),
            proxy: proxyClient, cutover: configuration.cutover)
        return (configuration, workspace)
    }

    /// `.tern/capture` → `.tern/capture-target`: the proxy's default layout.
    static func sibling(of folder: String, named name: String) -> String {
        let trimmed = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        let parent = (trimmed as NSString).deletingLastPathComponent
        return parent.isEmpty ? name : (parent as NSString).appendingPathComponent(name)
    }
}
