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

    @OptionGroup var proxy: ProxyOptions

    /// The loaded configuration and the workspace it describes.
    func workspace() throws -> (TernConfiguration, Workspace) {
        let configuration = try clusters.load()
        let settings = configuration.migration
        let captureDirectory = captureDirectory ?? settings.captureDirectory
        var selection = try indices.selection()
        if selection.include.isEmpty { selection.include = settings.indices.filter { !$0.hasPrefix("-") } }
        if selection.exclude.isEmpty { selection.exclude = settings.indices.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) } }
        let workspace = Workspace(
            source: try configuration.requireSource(), target: try configuration.requireTarget(), selection: selection,
            stateDirectory: stateDirectory ?? settings.stateDirectory, captureDirectory: captureDirectory,
            targetCaptureDirectory: targetCaptureDirectory ?? WorkspaceFolders.beside(captureDirectory, named: "capture-target"),
            proxy: try proxy.configuredClient(settings, captureDirectory: captureDirectory), cutover: configuration.cutover)
        return (configuration, workspace)
    }
}
