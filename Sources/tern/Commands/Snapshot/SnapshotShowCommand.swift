import ArgumentParser
import SnapshotReader
import TernCore

/// `tern snapshot show REPO SNAPSHOT [--index I]`
struct SnapshotShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a snapshot's metadata as JSON.",
        discussion: """
            Without --index: the snapshot's description, its global metadata (legacy, composable and component templates, \
            persistent settings) and its indices with their shard counts. With --index: that index's settings, mappings \
            and aliases as the snapshot stored them.
            """)

    @Argument(help: ArgumentHelp("The repository's root folder.", valueName: "repo"))
    var repository: String

    @Argument(help: ArgumentHelp("The snapshot's name.", valueName: "snapshot"))
    var snapshot: String

    @Option(name: .long, help: ArgumentHelp("Show this index's metadata.", valueName: "name"))
    var index: String?

    func run() throws {
        let output = try SnapshotErrors.translate { () throws(SnapshotReaderError) -> JSONValue in
            let repository = try SnapshotRepository(path: self.repository)
            let snapshot = try repository.snapshot(named: self.snapshot)
            if let name = self.index {
                let metadata = try repository.indexMetadata(repository.index(named: name, in: snapshot), in: snapshot)
                return .object(["index": .string(name), "shards": .int(Int64(metadata.numberOfShards)), "metadata": metadata.json])
            }
            var indices: [JSONValue] = []
            for index in repository.data.indices(of: snapshot) {
                let metadata = try repository.indexMetadata(index, in: snapshot)
                indices.append(.object(["name": .string(index.name), "shards": .int(Int64(metadata.numberOfShards))]))
            }
            return .object([
                "snapshot": .string(snapshot.name), "uuid": .string(snapshot.uuid), "state": .string(snapshot.stateName),
                "info": try repository.snapshotInfo(snapshot), "global_metadata": try repository.globalMetadata(snapshot),
                "indices": .array(indices),
            ])
        }
        Terminal.standardOutput.write(try JSONOutput.encode(output) + "\n")
    }
}
