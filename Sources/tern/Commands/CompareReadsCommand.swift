import ArgumentParser
import Capture
import Foundation
import TernCore
import Validation

/// `tern compare-reads`
struct CompareReadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-reads",
        abstract: "Repeat the reads tern proxy logged on the target and compare its answers with the source's.",
        discussion: """
            Before clients move, check that the target answers what they actually ask the way the source did. \
            `tern proxy --read-log DIR` records the searches (_search, _msearch, _count) and document gets \
            (GET /{index}/_doc/{id}) the source answers, with the source's answer. compare-reads sends each of them \
            to the target, with index names renamed like replay renames them (--rename, and --index/--exclude to \
            leave reads out), and compares: total hits, the top hits' ids (order among equal scores is free), \
            aggregations bucket by bucket (floating-point values within --tolerance), counts exactly, documents by \
            found and _source. These are the rules of `tern validate --queries`.

            Reads are left out, and counted, when the source did not answer 2xx, its answer was larger than the read \
            log keeps (1 MiB), the read cannot be repeated (point-in-time searches, bodies that are not JSON), or it \
            names indices outside the selection. The source's answer is the one it gave then: run this once replay \
            has caught up; a read logged just before a write it does not see yet may differ for that reason alone.

            Examples:
              tern proxy --source http://old:9200 --read-log .tern/reads --read-sample 0.1
              tern compare-reads --read-log .tern/reads --target http://new:9200
              tern compare-reads --read-log .tern/reads --rename 'orders:orders-v2' --json --report reads.json

            Exit codes: 0 when every compared read was answered alike, 1 when any was answered differently, 2 for \
            usage mistakes (no read log), 3 when the target cannot be reached or refuses the credentials.
            """)

    @OptionGroup var clusters: ClusterOptions
    @OptionGroup var indices: IndexSelectionOptions

    @Option(
        name: .customLong("read-log"),
        help: ArgumentHelp("The read log folder tern proxy --read-log writes.", valueName: "path"))
    var readLog: String

    @Option(name: .customLong("top-hits"), help: ArgumentHelp("Top hits whose ids must agree per search.", valueName: "n"))
    var topHits = 10

    @Option(name: .long, help: ArgumentHelp("Relative tolerance for floating-point aggregation values.", valueName: "x"))
    var tolerance = 1e-6

    @Option(name: .long, help: ArgumentHelp("Differing reads described in the output.", valueName: "n"))
    var samples = 10

    @Option(name: .long, help: ArgumentHelp("Also write the result as JSON to this file.", valueName: "file"))
    var report: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard topHits > 0, tolerance >= 0, samples >= 0 else {
            throw ValidationError("--top-hits must be positive, --tolerance and --samples not negative.")
        }
    }

    func run() async throws {
        let logger = global.makeLogger()
        let configuration = try clusters.load()
        let options = ReadComparison.Options(
            readLogDirectory: readLog, selection: try indices.selection(),
            comparison: SearchAnswerComparison(topHits: topHits, tolerance: tolerance), samples: samples)
        let result = try await ReadComparison(target: try configuration.requireTarget(), options: options, logger: logger).run()
        let encoded = try JSONOutput.encode(result) + "\n"
        if let report {
            do {
                try encoded.write(toFile: report, atomically: true, encoding: .utf8)
            } catch {
                throw TernError(
                    .invalidArgument, "Cannot write the report to \(report): \(error.localizedDescription); choose a writable path.")
            }
        }
        Terminal.standardOutput.write(json ? encoded : ReadComparisonPrinter(report: result).human())
        if !result.ok { throw ExitCode(TernExitCode.failure.rawValue) }
    }
}
