import ArgumentParser
import Capture
import Foundation
import Logging
import State
import TernCore
import Validation

/// `tern validate`
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Prove the target holds what the source holds: counts, every document, and representative queries.",
        discussion: """
            For each selected index (and its --rename target) both sides are counted, and every document's canonical \
            digest (key order and number formatting do not count; array order does) is compared: documents missing on \
            the target, extra on the target, and different, with sample ids. Memory stays bounded: digests are \
            partitioned by a hash of _id into files in the temporary folder. --sample 0.1 compares a tenth of the ids \
            (the same ids on both sides) for a quick check.

            Each target index's mappings and settings are compared with the source's after the transformations the \
            metadata rules apply: a mapping difference fails the validation; settings and aliases that differ (replicas, \
            refresh) are reported only. --no-metadata skips this.

            While clients write through tern proxy, the capture folder (--capture-dir, default migration.capture_dir) \
            tells which documents have writes the target has not received yet: written after the position the replay \
            saved (or, with no replay, since the validation started), up to the end of the log when the documents were \
            read. A document missing, extra or different that such a write names is reported as in flight, not as a \
            difference; every other difference still fails. --no-in-flight counts them all.

            --repair copies missing and different documents from the source (as they are now, with external_gte \
            versions so a concurrent replay still wins with newer writes), deletes extra ones from the target, then \
            validates everything again; the exit code follows the second validation.

            --queries FILE runs each request of an ndjson file ({"index": "logs", "body": {...}, "name": "..."}) on \
            both clusters and compares total hits, the top hits' ids (order among equal scores is free) and \
            aggregations (buckets by key, floating-point values within --tolerance).

            Examples:
              tern validate --source http://old:9200 --target http://new:9200
              tern validate --index 'logs-*' --sample 0.05 --queries dashboards.ndjson --report change-1234.html
              tern validate --rename 'orders:orders-v2' --repair

            Exit code 0 when the selected indices hold the same documents (and the requests answer alike) but for \
            writes in flight, 1 when anything differs, 2 for usage mistakes, 3 when a cluster cannot be reached.
            """)

    @OptionGroup var clusters: ClusterOptions
    @OptionGroup var indices: IndexSelectionOptions

    @Option(name: .long, help: ArgumentHelp("Compare this share of the documents, 0 < rate <= 1 (default 1: all).", valueName: "rate"))
    var sample: Double = 1

    @Option(name: .long, help: ArgumentHelp("An ndjson file of representative requests to run on both clusters.", valueName: "file"))
    var queries: String?

    @Option(name: .customLong("top-hits"), help: ArgumentHelp("Top hits whose ids must agree per request.", valueName: "n"))
    var topHits = 10

    @Option(name: .long, help: ArgumentHelp("Relative tolerance for floating-point aggregation values.", valueName: "x"))
    var tolerance = 1e-6

    @Option(name: .long, help: ArgumentHelp("Slices each index is read with, on each side.", valueName: "n"))
    var slices = 4

    @Option(
        name: .long,
        help: ArgumentHelp("Also write the report to this file: HTML when it ends in .html, Markdown otherwise.", valueName: "file"))
    var report: String?

    @Flag(
        name: .long,
        help: "Fix what differs from the source (copy missing and different documents, delete extra ones), then validate again.")
    var repair = false

    @Flag(name: .customLong("no-metadata"), help: "Do not compare mappings and settings.")
    var noMetadata = false

    @Flag(
        name: .customLong("no-in-flight"),
        help: "Count every difference, also on documents whose writes are still in the capture log on their way to the target.")
    var noInFlight = false

    /// The state folder (where the outcome is recorded for tern status and the replay's position is read) and the
    /// capture folder.
    @OptionGroup var folders: FolderOptions

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard sample > 0, sample <= 1 else { throw ValidationError("--sample must be more than 0 and at most 1 (0.1 compares a tenth).") }
        guard topHits > 0, slices > 0, tolerance >= 0 else { throw ValidationError("--top-hits and --slices must be positive.") }
    }

    func run() async throws {
        let logger = global.makeLogger()
        let configuration = try clusters.load()
        let store = try StateStore(folder: folders.stateDirectory(configuration.migration))
        let target = try configuration.requireTarget()
        let options = ValidationRunner.Options(
            selection: try indices.selection(), sampleRate: sample, queries: try queries.map { try QueryCase.load(path: $0) } ?? [],
            comparison: SearchAnswerComparison(topHits: topHits, tolerance: tolerance), slices: slices, checkMetadata: !noMetadata,
            repair: repair,
            inFlight: try await inFlightWrites(
                captureDirectory: folders.captureDirectory(configuration.migration), store: store, target: target))
        let result = try await ValidationRunner(
            source: try configuration.requireSource(), target: target, options: options, logger: logger
        ).run()
        await record(result, store: store, logger: logger)
        let printer = ValidationReportPrinter(report: result)
        if let report {
            let text = report.lowercased().hasSuffix(".html") ? printer.html() : printer.markdown()
            do {
                try text.write(toFile: report, atomically: true, encoding: .utf8)
            } catch {
                throw TernError(
                    .invalidArgument, "Cannot write the report to \(report): \(error.localizedDescription); choose a writable path.")
            }
        }
        Terminal.standardOutput.write(json ? try JSONOutput.encode(result) + "\n" : printer.human())
        if !result.ok { throw ExitCode(TernExitCode.failure.rawValue) }
    }

    /// The capture log's writes still on their way to `target`, when the capture folder exists and --no-in-flight is not given.
    private func inFlightWrites(captureDirectory: String, store: StateStore, target: ClusterConfiguration) async throws
        -> InFlightWritesLog?
    {
        var isFolder: ObjCBool = false
        guard !noInFlight, FileManager.default.fileExists(atPath: captureDirectory, isDirectory: &isFolder), isFolder.boolValue else {
            return nil
        }
        return try await InFlightWritesLog.forValidation(
            captureDirectory: captureDirectory, store: store, target: target.displayEndpoint)
    }

    /// Records the outcome for `tern status`; a state folder that cannot be written costs the record, not the validation.
    private func record(_ report: ValidationReport, store: StateStore, logger: Logger) async {
        do {
            try await store.recordValidation(ValidationRecord(report: report))
        } catch {
            logger.warning("validation not recorded in the state folder", metadata: ["error": "\(error)"])
        }
    }
}
