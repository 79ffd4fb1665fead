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
            persistent settings) and its indices with their shard counts and how each keeps _source ("source": mode \
            stored, filtered, disabled or synthetic, and whether snapshot docs can read it). With --index: that index's \
            settings, mappings and aliases as the snapshot stored them. Indices whose documents cannot be copied from \
            the snapshot, or are copied filtered, are also named on standard error.
            """)

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

    @Argument(help: ArgumentHelp("The snapshot's name.", valueName: "snapshot"))
    var snapshot: String

    @Option(name: .long, help: ArgumentHelp("Show this index's metadata.", valueName: "name"))
    var index: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let logger = global.makeLogger()
        let storage = try store.storage(self.repository, repositories: try RepositoryOptions.repositories(config: config), logger: logger)
        var warnings: [String] = []
        let output = try SnapshotErrors.translate { () throws(SnapshotReaderError) -> JSONValue in
            let repository = try SnapshotRepository(storage: storage)
            let snapshot = try repository.snapshot(named: self.snapshot)
            let shallow = try repository.isShallowCopy(snapshot)
            if let name = self.index {
                let metadata = try repository.indexMetadata(repository.index(named: name, in: snapshot), in: snapshot)
                warnings += Self.notes(name, metadata.sourceMode, snapshot: snapshot, shallow: shallow)
                return .object([
                    "index": .string(name), "shards": .int(Int64(metadata.numberOfShards)), "source": Self.json(metadata.sourceMode),
                    "metadata": metadata.json,
                ])
            }
            var indices: [JSONValue] = []
            for index in repository.data.indices(of: snapshot) {
                let metadata = try repository.indexMetadata(index, in: snapshot)
                warnings += Self.notes(index.name, metadata.sourceMode, snapshot: snapshot, shallow: shallow)
                indices.append(
                    .object([
                        "name": .string(index.name), "shards": .int(Int64(metadata.numberOfShards)),
                        "source": Self.json(metadata.sourceMode),
                    ]))
            }
            return .object([
                "snapshot": .string(snapshot.name), "uuid": .string(snapshot.uuid), "state": .string(snapshot.stateName),
                "version": snapshot.version.map(JSONValue.string) ?? .null, "shallow_copy": .bool(shallow),
                "info": try repository.snapshotInfo(snapshot), "global_metadata": try repository.globalMetadata(snapshot),
                "indices": .array(indices),
            ])
        }
        Terminal.standardOutput.write(try JSONOutput.encode(output) + "\n")
        for warning in Array(Set(warnings)).sorted() { Terminal.standardError.write("warning: \(warning)\n") }
    }

    /// How an index's `_source` was kept, for `--json` readers: `mode`, whether `tern snapshot docs` can read it, and why.
    static func json(_ mode: SourceMode) -> JSONValue {
        var fields: [String: JSONValue] = ["mode": .string(mode.name), "readable": .bool(mode.isReadableFromSnapshot)]
        switch mode {
        case .stored: break
        case .filtered(let includes, let excludes):
            fields["includes"] = .array(includes.map(JSONValue.string))
            fields["excludes"] = .array(excludes.map(JSONValue.string))
        case .disabled(let reason), .synthetic(let reason): fields["reason"] = .string(reason)
        }
        return .object(fields)
    }

    /// The sentences a person should read before copying: unreadable or filtered sources, shallow copies.
    static func notes(_ index: String, _ mode: SourceMode, snapshot: RepositoryData.Snapshot, shallow: Bool) -> [String] {
        var notes: [String] = []
        if shallow {
            notes.append(
                "snapshot \(snapshot.name) is an OpenSearch shallow copy: its segments are in the cluster's remote store, so tern snapshot docs and backfill --snapshot-repo cannot read its documents."
            )
        }
        if let refusal = mode.refusal(index: index, snapshot: snapshot.name) { notes.append(refusal) }
        if let warning = mode.warning(index: index, snapshot: snapshot.name) { notes.append(warning) }
        return notes
    }
}
