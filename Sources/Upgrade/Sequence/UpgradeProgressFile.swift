import Foundation
import TernCore

/// `<state-dir>/upgrade.json`: the progress of the current in-place upgrade, written atomically after every step.
public struct UpgradeProgressFile: Sendable {
    public let url: URL

    public init(stateDirectory: String) {
        url = URL(fileURLWithPath: stateDirectory).appendingPathComponent("upgrade.json")
    }

    /// The recorded progress, or nil when no upgrade ran here.
    /// - Throws: `TernError` when the file exists but cannot be read.
    public func load() throws -> UpgradeProgress? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(UpgradeProgress.self, from: Data(contentsOf: url))
        } catch {
            throw TernError(
                .configuration,
                "\(url.path) is not a progress file Tern can read (\(error)); move it away to start a new upgrade.")
        }
    }

    /// Writes `progress` to a temporary file and renames it over the old one, so a crash never leaves half a file.
    public func save(_ progress: UpgradeProgress) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let temporary = folder.appendingPathComponent(".upgrade.json.\(getpid()).tmp")
            try encoder.encode(progress).write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw TernError(.configuration, "renaming \(temporary.path) failed with errno \(errno)")
            }
        } catch let error as TernError {
            throw error
        } catch {
            throw TernError(.configuration, "Tern could not write \(url.path) (\(error)); check the state folder's permissions.")
        }
    }
}
