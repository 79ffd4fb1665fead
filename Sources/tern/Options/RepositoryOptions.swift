import ArgumentParser
import Foundation
import Logging
import ObjectStore
import SnapshotReader
import TernCore

/// How a snapshot repository in an object store is read: where large blobs are spilled and how many requests run at
/// once. Credentials and endpoints come from each cloud's usual configuration, or a `repositories:` entry of tern.yml.
struct RepositoryOptions: ParsableArguments {
    @Option(
        name: .customLong("spill-dir"),
        help: ArgumentHelp(
            "Where Lucene files fetched from an object store are kept while they are read (default: the temporary folder). Files are removed as soon as they are mapped; the space returns when their shard is read.",
            valueName: "path"))
    var spillDirectory: String?

    @Option(
        name: .customLong("spill-cap"),
        help: ArgumentHelp("The spill folder's size cap in GiB: a fetch waits (up to 30 s) for space.", valueName: "GiB"))
    var spillCapGiB: Int = 8

    @Option(
        name: .customLong("connections"),
        help: ArgumentHelp("Requests to the object store in flight at once (default 16).", valueName: "n"))
    var connections: Int?

    func validate() throws {
        guard spillCapGiB > 0 else { throw ValidationError("--spill-cap must be at least 1 (GiB).") }
        guard (connections ?? 1) > 0 else { throw ValidationError("--connections must be positive.") }
    }

    /// The storage of `location` (a folder, a URL, or the name of a `repositories:` entry).
    func storage(_ location: String, repositories: [String: RepositorySettings], logger: Logger) throws -> any RepositoryStorage {
        let opener = RepositoryOpener(
            repositories: repositories, spillDirectory: spillDirectory, spillCapBytes: spillCapGiB << 30, connections: connections,
            logger: logger)
        return try SnapshotErrors.translate { () throws(SnapshotReaderError) in try opener.storage(location) }
    }

    /// The `repositories:` entries of `config`, or of ./tern.yml when it exists.
    static func repositories(config: String?) throws -> [String: RepositorySettings] {
        guard config != nil || FileManager.default.fileExists(atPath: TernConfiguration.defaultFileName) else { return [:] }
        return try ConfigurationLoader().resolve(path: config, sourceURL: nil, targetURL: nil).repositories
    }
}
