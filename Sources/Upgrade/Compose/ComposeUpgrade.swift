import Foundation
import Logging
import TernCore

/// `tern upgrade docker`: the Compose file rewritten for the new version, and with `--apply` the documented sequence —
/// snapshot, `docker compose down`, rewrite, `docker compose up -d`, wait for health, verify — as a resumable restart upgrade.
public struct ComposeUpgrade: Sendable {
    /// The Compose file.
    public let file: String
    public let settings: UpgradeSettings

    public init(file: String, settings: UpgradeSettings) {
        self.file = file
        self.settings = settings
    }

    /// `<file>.pre-upgrade`: the file as it was before Tern first rewrote it.
    public var backup: String { file + ".pre-upgrade" }

    /// Reads the file and rewrites it in memory; nothing is written.
    /// - Throws: `TernError` when the file cannot be read, or the upgrade is refused (a downgrade, a skipped major).
    public func preview(to version: SemanticVersion) throws -> ComposeRewrite {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw TernError(.invalidArgument, "The Compose file \(file) cannot be read; check --compose.")
        }
        let text = String(decoding: data, as: UTF8.self)
        return try ComposeRewriter().rewrite(text, to: version, file: (file as NSString).lastPathComponent)
    }

    /// The compose commands, from `upgrade.compose_command`, on this file (never `down -v`: the volumes hold the data).
    public var actions: (stop: HookCommand, start: HookCommand) {
        let path = Self.shellQuote(URL(fileURLWithPath: file).standardizedFileURL.path)
        return (
            HookCommand("\(settings.composeCommand) -f \(path) down", origin: "upgrade.compose_command"),
            HookCommand("\(settings.composeCommand) -f \(path) up -d", origin: "upgrade.compose_command")
        )
    }

    /// Runs (or resumes) the sequence.
    public func apply(
        _ request: UpgradeRequest, configuration: ClusterConfiguration, logger: Logger, report: @escaping @Sendable (String) -> Void
    ) async throws -> UpgradeProgress {
        let recorded = try? UpgradeProgressFile(stateDirectory: request.stateDirectory).load()
        let pastRewrite =
            !request.fresh && recorded?.kind == .docker && recorded?.status != .completed
            && recorded?.target == request.target.description && (recorded?.clusterPhase ?? .prepared) >= .rewritten
        var rewrite: ComposeRewrite?
        if !pastRewrite {
            let preview = try preview(to: request.target.version)
            for note in preview.notes { report(note) }
            rewrite = preview.isUnchanged ? nil : preview
        }
        let file = self.file
        let backup = self.backup
        let commands = actions
        var write: (@Sendable () throws -> String)?
        if let rewrite {
            write = {
                try Self.write(rewrite.text, to: file, keepingOriginalIn: backup, original: rewrite.original)
                return "Rewrote \(file) for \(rewrite.to.displayName) (the original is in \(backup))."
            }
        }
        let runner = RestartUpgrade(configuration: configuration, settings: settings, logger: logger, report: report)
        return try await runner.run(
            request, actions: RestartUpgrade.Actions(stop: [commands.stop], start: [commands.start], rewrite: write), kind: .docker,
            composeFile: file, composeBackup: backup)
    }

    static func write(_ text: String, to file: String, keepingOriginalIn backup: String, original: String) throws {
        do {
            if !FileManager.default.fileExists(atPath: backup) {
                try Data(original.utf8).write(to: URL(fileURLWithPath: backup))
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw TernError(
                .upgradeGate, "Tern could not write \(file) (\(error)); check its permissions, then run the same command again to resume.")
        }
    }

    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
