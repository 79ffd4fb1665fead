import ArgumentParser
import SnapshotReader
import TernCore

/// `tern snapshot list REPO`
struct SnapshotListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the snapshots of a repository with their state and indices.")

    @Argument(
        help: ArgumentHelp(
            "The repository: its root folder, s3://BUCKET/BASE_PATH, gs://BUCKET/BASE_PATH, azure://CONTAINER/BASE_PATH, or the name of a repositories: entry of tern.yml.",
            valueName: "repo"))
    var repository: String

    @Option(
        name: .long,
        help: ArgumentHelp("The configuration file for repositories: entries (default ./tern.yml when present).", valueName: "path"))
    var config: String?

    @OptionGroup var store: RepositoryOptions

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let logger = global.makeLogger()
        let storage = try store.storage(self.repository, repositories: try RepositoryOptions.repositories(config: config), logger: logger)
        let repository = try SnapshotErrors.translate { () throws(SnapshotReaderError) in try SnapshotRepository(storage: storage) }
        let rows = repository.data.snapshots.map { snapshot in
            SnapshotRow(
                name: snapshot.name, uuid: snapshot.uuid, state: snapshot.stateName, version: snapshot.version,
                indexVersion: snapshot.indexVersionID,
                indices: repository.data.indices(of: snapshot).map(\.name))
        }
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(rows) + "\n")
            return
        }
        guard !rows.isEmpty else {
            Terminal.standardOutput.write("No snapshots in \(self.repository).\n")
            return
        }
        let width = max(8, rows.map(\.name.count).max() ?? 0)
        // Elasticsearch 8.9+ records index-version numbers, which print longer than a release ("8.11+ (8512000)").
        let versionWidth = max(7, rows.map { ($0.version ?? "-").count }.max() ?? 0)
        var out = "SNAPSHOT".padding(toLength: width, withPad: " ", startingAt: 0) + "  STATE     "
        out += "VERSION".padding(toLength: versionWidth, withPad: " ", startingAt: 0) + "  INDICES\n"
        for row in rows {
            out += row.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
            out += row.state.padding(toLength: 8, withPad: " ", startingAt: 0) + "  "
            out += (row.version ?? "-").padding(toLength: versionWidth, withPad: " ", startingAt: 0) + "  "
            out += "\(row.indices.count): \(row.indices.joined(separator: ", "))\n"
        }
        Terminal.standardOutput.write(out)
    }

    struct SnapshotRow: Encodable {
        var name: String
        var uuid: String
        var state: String
        var version: String?
        /// The index-version number Elasticsearch 8.9+ records instead of a release.
        var indexVersion: Int?
        var indices: [String]
    }
}
