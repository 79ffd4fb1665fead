import ArgumentParser
import TernCore

/// `--state-dir` and `--capture-dir`, shared by every command that reads or writes the workspace folders, each
/// defaulting to tern.yml's `migration:` section so that the proxy, the replayer and the workflow find the same files.
struct FolderOptions: ParsableArguments {
    @OptionGroup var state: StateFolderOption

    @Option(
        name: .customLong("capture-dir"),
        help: ArgumentHelp("The proxy's capture log folder (default: migration.capture_dir, else .tern/capture).", valueName: "path"))
    var captureDirectory: String?

    func stateDirectory(_ settings: MigrationSettings) -> String {
        state.resolve(settings)
    }

    func captureDirectory(_ settings: MigrationSettings) -> String {
        captureDirectory ?? settings.captureDirectory
    }

    /// The target-side capture folder: `given`, else `capture-target` beside the capture folder.
    static func targetCaptureDirectory(_ given: String?, beside captureDirectory: String) -> String {
        given ?? WorkspaceFolders.beside(captureDirectory, named: "capture-target")
    }
}
