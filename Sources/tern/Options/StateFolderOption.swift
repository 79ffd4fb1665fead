import ArgumentParser
import Foundation
import State
import TernCore

/// `--state-dir`. Every command that reads or writes the state folder takes it from here, else from tern.yml's
/// `migration.state_dir`, else `.tern`, so that a standalone command and the workflow find the same records.
struct StateFolderOption: ParsableArguments {
    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp("The state folder (default: migration.state_dir in tern.yml, else .tern).", valueName: "path"))
    var path: String?

    func resolve(_ settings: MigrationSettings) -> String {
        path ?? settings.stateDirectory
    }

    /// The folder, reading tern.yml (`config`, else the working directory's) only when no `--state-dir` was given.
    func resolve(config: String?) throws -> String {
        if let path { return path }
        return try ConfigurationLoader().resolve(path: config, sourceURL: nil, targetURL: nil).migration.stateDirectory
    }

    /// The store of a folder that must exist already: a status command reports, it does not create a workspace.
    /// - Parameter nothing: what the missing folder means, e.g. "no backfill has run here yet".
    static func openExisting(_ folder: String, nothing: String) throws -> StateStore {
        guard FileManager.default.fileExists(atPath: folder) else {
            throw TernError(.invalidArgument, "No state folder at \(folder): \(nothing) (or pass --state-dir).")
        }
        return try StateStore(folder: folder)
    }
}
