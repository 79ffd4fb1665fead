import ArgumentParser
import SnapshotReader
import TernCore

/// `tern snapshot docs REPO SNAPSHOT [--index I] [--count]`
struct SnapshotDocsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Print every live document of a snapshot as ndjson.",
        discussion: """
            One line per document: {"_index":...,"_id":...,"_routing":...,"_source":{...}} (with "_type" for custom \
            mapping types of 5.x/6.x indices). Deleted and superseded versions are left out, as a cluster would. Shards are \
            read concurrently; memory stays bounded whatever the shard size. An index whose _source is disabled or \
            synthetic (logsdb, time_series, index.mapping.source.mode) is refused with exit code 2: the snapshot holds \
            no _source for it; one whose _source is filtered is copied as stored, with a warning naming the paths.
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

    @Option(name: .long, help: ArgumentHelp("Only this index (repeatable). Default: every index of the snapshot.", valueName: "name"))
    var index: [String] = []

    @OptionGroup var reading: DocumentReadOptions

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.makeLogger()
        let storage = try store.storage(self.repository, repositories: try RepositoryOptions.repositories(config: config), logger: logger)
        let (repository, snapshot, indices) = try SnapshotErrors.translate {
            () throws(SnapshotReaderError) -> (SnapshotRepository, RepositoryData.Snapshot, [RepositoryData.Index]) in
            let repository = try SnapshotRepository(storage: storage)
            let snapshot = try repository.snapshot(named: self.snapshot)
            var indices = repository.data.indices(of: snapshot)
            if !self.index.isEmpty {
                indices = try self.index.map { (name) throws(SnapshotReaderError) in try repository.index(named: name, in: snapshot) }
            }
            return (repository, snapshot, indices)
        }
        let options = reading.readerOptions
        let batches = try SnapshotErrors.translate { () throws(SnapshotReaderError) in
            try SnapshotDocumentReader.batches(repository: repository, snapshot: snapshot, indices: indices, options: options)
        }
        let warnings = try SnapshotErrors.translate { () throws(SnapshotReaderError) -> [String] in
            var warnings: [String] = []
            for index in indices {
                let mode = try repository.indexMetadata(index, in: snapshot).sourceMode
                if let warning = mode.warning(index: index.name, snapshot: snapshot.name) { warnings.append(warning) }
            }
            return warnings
        }
        for warning in warnings { Terminal.standardError.write("warning: \(warning)\n") }
        try await DocumentPrinter(count: reading.count, indexOrder: indices.map(\.name)).print(batches)
    }
}
