import ArgumentParser
import Backfill
import Foundation
import SearchClient
import State
import TernCore

/// `tern backfill [run]`
struct BackfillRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Copy (or resume copying) documents into the target.",
        discussion: """
            Sources (one): --source URL (or tern.yml), --snapshot-repo PATH --snapshot NAME, --lucene-dir PATH \
            --index-name NAME, --from-file FILE.ndjson[.gz]. Targets (one): --target URL (or tern.yml), --to-file \
            FILE.ndjson[.gz].

            Server-side strategies (--strategy remote-reindex | snapshot-restore) let the clusters move the data \
            themselves; Tern creates the target indices, starts and follows the work, and counts the result.

            Many machines (--coordinate): run the same command on each; the workers share the backfill through a \
            coordination index on the target (or --coordination-cluster), take over the items of a worker that stops, \
            and each exits only when every item of the whole backfill is done. See docs/scale-out.md; watch it with \
            tern backfill status --coordinate.

            Exit code 0 only when every selected document is on the target; 1 when documents failed (see the \
            dead-letter file) or are missing; 2 for usage mistakes; 3 when a cluster cannot be reached.
            """)

    @OptionGroup var clusters: ClusterOptions

    @Option(
        name: .customLong("snapshot-repo"),
        help: ArgumentHelp(
            "Read from this snapshot repository instead of a cluster: a folder, s3://BUCKET/BASE_PATH, gs://…, azure://…, or a repositories: entry of tern.yml (credentials: see tern snapshot --help).",
            valueName: "repo"))
    var snapshotRepository: String?

    @OptionGroup var store: RepositoryOptions

    @Option(name: .long, help: ArgumentHelp("The snapshot to read (with --snapshot-repo).", valueName: "name"))
    var snapshot: String?

    @Option(name: .customLong("lucene-dir"), help: ArgumentHelp("Read from a Lucene index folder (with --index-name).", valueName: "path"))
    var luceneDirectory: String?

    @Option(name: .customLong("index-name"), help: ArgumentHelp("The index name of the Lucene folder's documents.", valueName: "name"))
    var indexName: String?

    @Option(
        name: .customLong("from-file"),
        help: ArgumentHelp("Read documents from an ndjson file (gzip when it ends in .gz).", valueName: "file"))
    var fromFile: String?

    @Option(name: .customLong("to-file"), help: ArgumentHelp("Write documents to an ndjson file instead of a cluster.", valueName: "file"))
    var toFile: String?

    @OptionGroup var indices: IndexSelectionOptions

    @Option(name: .long, help: ArgumentHelp("Copy only documents matching this query object (live sources).", valueName: "json"))
    var query: String?

    @Option(name: .long, help: ArgumentHelp("Stop after this many documents (a trial run; nothing is marked done).", valueName: "n"))
    var limit: Int?

    /// The command line's own names, mapped to the library's types.
    enum VersioningChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, external, none
        var value: BackfillOptions.Versioning { BackfillOptions.Versioning(rawValue: rawValue) ?? .auto }
    }

    enum ReadModeChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, pit, scroll
        var value: ReadMode { ReadMode(rawValue: rawValue) ?? .auto }
    }

    @Option(name: .long, help: "How writes are versioned: auto (external where the source has _seq_no), external, none.")
    var versioning: VersioningChoice = .auto

    @Option(name: .customLong("read-mode"), help: "How live indices are read: auto (point in time where supported), pit, scroll.")
    var readMode: ReadModeChoice = .auto

    @Option(name: .long, help: ArgumentHelp("Slices per live index (default: one per primary shard, at most 8).", valueName: "n"))
    var slices: Int?

    @Option(name: .long, help: ArgumentHelp("Units copied at once.", valueName: "n"))
    var concurrency: Int = 4

    @Option(name: .customLong("page-size"), help: ArgumentHelp("Documents per page read.", valueName: "n"))
    var pageSize: Int = 1000

    @OptionGroup var state: StateFolderOption

    @Option(
        name: .customLong("dead-letter"),
        help: ArgumentHelp("Where refused documents go (default: <state-dir>/dead-letter.ndjson).", valueName: "file"))
    var deadLetter: String?

    @Flag(
        name: .customLong("fast-load"),
        help: ArgumentHelp(
            "Turn off refresh and replicas on the target indices while loading; the values are restored afterwards (also by the next run after a crash)."
        ))
    var fastLoad = false

    enum StrategyChoice: String, ExpressibleByArgument, CaseIterable {
        case documents
        case remoteReindex = "remote-reindex"
        case snapshotRestore = "snapshot-restore"
    }

    @Option(
        name: .long,
        help: ArgumentHelp(
            "documents (Tern reads and writes every document), remote-reindex (the target pulls with _reindex from the source) or snapshot-restore (an fs snapshot of the source restored on the target)."
        ))
    var strategy: StrategyChoice = .documents

    @Option(
        name: .customLong("remote-host"),
        help: ArgumentHelp(
            "remote-reindex: the source as the target's nodes reach it, when that differs from --source.", valueName: "url"))
    var remoteHost: String?

    @Option(
        name: .customLong("repository-location"),
        help: ArgumentHelp(
            "snapshot-restore: a filesystem path both clusters mount and list in path.repo, or a bucket both reach: s3://BUCKET/BASE_PATH, gs://BUCKET/BASE_PATH, azure://CONTAINER/BASE_PATH (registered as an s3, gcs or azure repository).",
            valueName: "path|url"))
    var repositoryLocation: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "snapshot-restore: the repository name on both clusters; an s3://, gs:// or azure:// URL here stands for --repository-location.",
            valueName: "name"))
    var repository = "tern-migration"

    @Option(
        name: .customLong("repository-client"),
        help: ArgumentHelp(
            "snapshot-restore: the client of an object-store repository (the <name> of s3.client.<name>.* in each cluster's keystore).",
            valueName: "name"))
    var repositoryClient = "default"

    /// `--repository s3://…` names the location; the repository keeps its default name.
    var restoreLocation: String? { repositoryLocation ?? (repository.contains("://") ? repository : nil) }
    var restoreRepositoryName: String { repository.contains("://") ? "tern-migration" : repository }

    @Option(name: .long, help: ArgumentHelp("snapshot-restore: replicas of the restored indices.", valueName: "n"))
    var replicas = 0

    @OptionGroup(title: "Many workers") var coordination: CoordinationOptions

    @Flag(name: .long, help: "Print the summary as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try coordination.validate(runName: coordination.runName)
        if coordination.coordinate {
            guard strategy == .documents else { throw ValidationError("--coordinate shares --strategy documents only.") }
            guard toFile == nil else { throw ValidationError("--coordinate shares a backfill into a cluster; it cannot write --to-file.") }
            guard limit == nil else { throw ValidationError("--limit is a trial run of one process; leave out --coordinate for it.") }
            guard !fastLoad else {
                throw ValidationError(
                    "--fast-load cannot be shared: one worker would restore refresh and replicas while others still load. Tune the target indices before starting the workers, or run without --coordinate."
                )
            }
        } else if coordination.runName != nil || coordination.coordinationCluster != nil {
            throw ValidationError("--run-name and --coordination-cluster belong to --coordinate.")
        }
        let sources = [clusters.source != nil, snapshotRepository != nil, luceneDirectory != nil, fromFile != nil].filter { $0 }.count
        guard sources <= 1 else { throw ValidationError("Give one source: --source, --snapshot-repo, --lucene-dir or --from-file.") }
        if strategy != .documents {
            guard snapshotRepository == nil, luceneDirectory == nil, fromFile == nil, toFile == nil else {
                throw ValidationError(
                    "--strategy \(strategy.rawValue) runs between two clusters: give --source and --target, not files or folders.")
            }
            guard !fastLoad else { throw ValidationError("--fast-load applies to --strategy documents only.") }
        }
        if strategy == .snapshotRestore {
            guard restoreLocation != nil else {
                throw ValidationError(
                    "--strategy snapshot-restore needs --repository-location PATH (a path both clusters list in path.repo) or a bucket URL (--repository s3://BUCKET/BASE_PATH, gs://…, azure://…)."
                )
            }
            guard replicas >= 0 else { throw ValidationError("--replicas must be 0 or more.") }
        } else if repositoryLocation != nil {
            throw ValidationError("--repository-location belongs to --strategy snapshot-restore.")
        }
        if remoteHost != nil && strategy != .remoteReindex { throw ValidationError("--remote-host belongs to --strategy remote-reindex.") }
        guard strategy == .snapshotRestore || (snapshotRepository == nil) == (snapshot == nil) else {
            throw ValidationError("--snapshot-repo and --snapshot go together.")
        }
        guard luceneDirectory == nil || indexName != nil else {
            throw ValidationError("--lucene-dir needs --index-name (the index its documents belong to).")
        }
        guard !(clusters.target != nil && toFile != nil) else { throw ValidationError("Give one target: --target or --to-file.") }
        guard !(fastLoad && toFile != nil) else {
            throw ValidationError("--fast-load tunes a target cluster; it has no meaning with --to-file.")
        }
        guard concurrency > 0, pageSize > 0, (slices ?? 1) > 0, (limit ?? 1) >= 0 else {
            throw ValidationError("--concurrency, --page-size and --slices must be positive.")
        }
    }

    func run() async throws {
        let logger = global.makeLogger()
        let needsClusterSource = snapshotRepository == nil && luceneDirectory == nil && fromFile == nil
        let configuration = needsClusterSource || toFile == nil || snapshotRepository != nil ? try clusters.load() : TernConfiguration()
        let source: BackfillSource
        if strategy == .snapshotRestore {
            source = .cluster(try configuration.requireSource())
        } else if let snapshotRepository, let snapshot {
            source = .snapshot(
                repository: try store.storage(snapshotRepository, repositories: configuration.repositories, logger: logger),
                snapshot: snapshot)
        } else if let luceneDirectory, let indexName {
            source = .luceneFolder(path: luceneDirectory, index: indexName)
        } else if let fromFile {
            source = .file(path: fromFile)
        } else {
            source = .cluster(try configuration.requireSource())
        }
        let target: BackfillTarget = try toFile.map { .file(path: $0) } ?? .cluster(configuration.requireTarget())
        let stateDirectory = try state.resolve(config: clusters.config)
        let store = try StateStore(folder: stateDirectory)
        var queryBytes: [UInt8]?
        if let query {
            guard (try? JSONValue.parse(Array(query.utf8)))?.objectValue != nil else {
                throw TernError(
                    .invalidArgument, "--query is not a JSON object; write it like --query '{\"term\":{\"status\":\"active\"}}'.")
            }
            queryBytes = Array(query.utf8)
        }
        var options = BackfillOptions(
            selection: try indices.selection(),
            query: queryBytes,
            limit: limit, versioning: versioning.value, readMode: readMode.value, slices: slices, concurrency: concurrency,
            pageSize: pageSize,
            deadLetterPath: deadLetter ?? (stateDirectory as NSString).appendingPathComponent("dead-letter.ndjson"),
            fastLoad: fastLoad)
        if coordination.coordinate {
            options.itemDocuments = coordination.itemDocuments
            options.itemBytes = max(1, Int(coordination.itemMegabytes * 1_048_576))
        }

        let progress = BackfillProgress()
        var fetched: (@Sendable () -> Int)?
        if case .snapshot(let storage, _) = source, storage.bytesFetched != nil { fetched = { storage.bytesFetched ?? 0 } }
        let display = ProgressDisplay(progress: progress, interactive: !json && Terminal.standardError.isTerminal, fetched: fetched)
        let work: Task<BackfillReport, any Error>
        switch (strategy, source, target) {
        case (.remoteReindex, .cluster(let sourceCluster), .cluster(let targetCluster)):
            let host = try remoteHost.map { try ClusterConfiguration.endpoint($0, origin: "--remote-host") }
            let runner = RemoteReindexRunner(
                source: sourceCluster, target: targetCluster, options: options, reindex: RemoteReindexOptions(remoteHost: host),
                store: store, logger: logger)
            work = Task { try await runner.run(progress: progress) }
        case (.snapshotRestore, .cluster(let sourceCluster), .cluster(let targetCluster)):
            let runner = SnapshotRestoreRunner(
                source: sourceCluster, target: targetCluster, options: options,
                snapshot: SnapshotRestoreOptions(
                    repositoryLocation: restoreLocation ?? "", repository: restoreRepositoryName, snapshot: snapshot, replicas: replicas,
                    repositoryClient: repositoryClient),
                store: store, logger: logger)
            work = Task { try await runner.run(progress: progress) }
        case (_, _, .cluster(let targetCluster)) where coordination.coordinate:
            let runner = CoordinatedBackfillRunner(
                source: source, target: targetCluster, options: options,
                coordinationCluster: try ConfigurationLoader.coordinationCluster(coordination.coordinationCluster, in: configuration),
                settings: coordination.settings(), runName: coordination.runName, logger: logger)
            work = Task { try await runner.run(progress: progress) }
        default:
            let runner = BackfillRunner(source: source, target: target, options: options, store: store, logger: logger)
            work = Task { try await runner.run(progress: progress) }
        }
        let interrupt = InterruptHandler { work.cancel() }
        let ticker = Task { await display.run() }
        let report: BackfillReport
        do {
            report = try await work.value
            ticker.cancel()
            display.finish()
        } catch {
            ticker.cancel()
            display.finish()
            if interrupt.fired || error is CancellationError {
                Terminal.standardError.write("Stopped. The finished units are saved; run the same command again to resume.\n")
                throw ExitCode(130)
            }
            throw error
        }
        withExtendedLifetime(interrupt) {}
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(report) + "\n")
        } else {
            Terminal.standardOutput.write(BackfillReportPrinter().render(report))
        }
        if let notRestored = report.settingsNotRestored {
            Terminal.standardError.write("error: Every document was handled, but \(notRestored)\n")
        }
        if !report.complete || report.settingsNotRestored != nil { throw ExitCode(TernExitCode.failure.rawValue) }
    }
}
