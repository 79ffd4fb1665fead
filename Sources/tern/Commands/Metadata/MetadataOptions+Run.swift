import ArgumentParser
import Metadata
import TernCore

extension MetadataOptions {
    /// Runs the evaluation (and, when `apply`, the migration), prints the report and fails with exit code 1 when an item
    /// does not end as promised.
    /// - Parameter apply: create items on the target (`migrate`) rather than only evaluate.
    func execute(apply: Bool) async throws {
        let logger = global.makeLogger()
        let configuration = try clusters.load()
        let runner = MetadataRunner(
            source: try sourceSpec(configuration, logger: logger), target: try configuration.requireTarget(),
            options: try runOptions(apply: apply),
            logger: logger)
        let report = try await runner.run()
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(report) + "\n")
        } else {
            Terminal.standardOutput.write(MetadataReportPrinter(overwrite: overwrite).render(report))
        }
        if !report.ok { throw ExitCode(TernExitCode.failure.rawValue) }
    }
}
