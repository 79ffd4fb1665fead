import ArgumentParser
import Capture
import Foundation
import Orchestration
import State
import TernCore

/// What `tern migrate`, `cutover`, `rollback` and `decommission` share: the clusters, the indices, the workspace
/// folders and the proxy, from tern.yml (`migration:`, `cutover:`) overridden by flags.
struct WorkflowOptions: ParsableArguments {
    @OptionGroup var clusters: ClusterOptions
    @OptionGroup var indices: IndexSelectionOptions

    @OptionGroup var folders: FolderOptions

    @Option(
        name: .customLong("target-capture-dir"),
        help: ArgumentHelp(
            "The proxy's target-side capture log folder, replayed by a rollback (default: capture-target beside --capture-dir).",
            valueName: "path"))
    var targetCaptureDirectory: String?

    @OptionGroup var proxy: ProxyOptions

    /// The loaded configuration and the workspace it describes.
    func workspace() throws -> (TernConfiguration, Workspace) {
        let configuration = try clusters.load()
        let settings = configuration.migration
        let captureDirectory = folders.captureDirectory(settings)
        var selection = try indices.selection()
        if selection.include.isEmpty { selection.include = settings.includedIndices }
        if selection.exclude.isEmpty { selection.exclude = settings.excludedIndices }
        let stateDirectory = folders.stateDirectory(settings)
        let workspace = Workspace(
            source: try configuration.requireSource(), target: try configuration.requireTarget(), selection: selection,
            stateDirectory: stateDirectory, store: try StateStore(folder: stateDirectory), captureDirectory: captureDirectory,
            targetCaptureDirectory: FolderOptions.targetCaptureDirectory(targetCaptureDirectory, beside: captureDirectory),
            proxy: try proxy.configuredClient(settings, captureDirectory: captureDirectory), cutover: configuration.cutover,
            sync: settings.sync)
        return (configuration, workspace)
    }
}
