import Foundation
import Logging
import SearchClient
import TernCore
import Validation

/// `tern compare-reads`: sends each read the proxy logged (`tern proxy --read-log`) to the target, renamed like replay
/// renames writes, and compares the target's answer with the source's logged one.
///
/// The source's answer is the one it gave at the time; run the comparison once replay has caught up, and expect reads
/// logged just before later writes to differ for that reason alone.
public struct ReadComparison: Sendable {
    public struct Options: Sendable {
        /// The read log folder `tern proxy --read-log` writes.
        public var readLogDirectory: String
        /// Which source indices are compared, and their target names (the same rules as replay).
        public var selection: IndexSelection
        /// How search answers are compared (the `tern validate --queries` rules).
        public var comparison: SearchAnswerComparison
        /// How many differing reads the report describes.
        public var samples: Int

        public init(
            readLogDirectory: String, selection: IndexSelection = IndexSelection(),
            comparison: SearchAnswerComparison = SearchAnswerComparison(), samples: Int = 10
        ) {
            self.readLogDirectory = readLogDirectory
            self.selection = selection
            self.comparison = comparison
            self.samples = samples
        }
    }

    public let target: ClusterConfiguration
    public let options: Options
    public let logger: Logger

    public init(target: ClusterConfiguration, options: Options, logger: Logger) {
        self.target = target
        self.options = options
        self.logger = logger
    }

    /// Reads the whole log once and compares every answered read.
    /// - Throws: `TernError`: usage (exit 2) without a read log folder, unreachable (exit 3) when the target cannot be
    ///   reached or refuses the credentials, `.captureLog` when the log cannot be read.
    public func run() async throws -> ReadComparisonReport {
        let directory = options.readLogDirectory
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw TernError(
                .invalidArgument, "There is no read log at \(directory); run tern proxy with --read-log \(directory) first.")
        }
        var report = ReadComparisonReport(readLog: directory, target: target.displayEndpoint)
        let reader = CaptureLogReader(directory: directory)
        let rewriter = ReadRequestRewriter(selection: options.selection)
        let answers = ReadAnswerComparison(search: options.comparison)
        return try await SearchClient.withClient(target, logger: logger) { client in
            // Unreachable or refused: one sentence and exit code 3 before anything is compared.
            _ = try await client.info()
            var pending: [UInt64: CaptureRecord] = [:]
            var refreshed = Set<String>()
            while let entry = try reader.next() {
                let record = entry.record
                guard record.kind == .response else {
                    pending[record.exchange] = record
                    continue
                }
                // A response whose request is gone (an older segment was removed) has nothing to repeat.
                guard let request = pending.removeValue(forKey: record.exchange) else { continue }
                try await compare(
                    request, answer: record, client: client, rewriter: rewriter, answers: answers, refreshed: &refreshed,
                    report: &report)
            }
            report.skipped.unanswered += pending.count
            report.damage = reader.damage?.description
            logger.info(
                "reads compared", metadata: ["compared": "\(report.compared)", "different": "\(report.different)"])
            return report
        }
    }

    private func compare(
        _ request: CaptureRecord, answer: CaptureRecord, client: SearchClient, rewriter: ReadRequestRewriter,
        answers: ReadAnswerComparison, refreshed: inout Set<String>, report: inout ReadComparisonReport
    ) async throws {
        guard let kind = ReadKind.classify(method: request.method, uri: request.target) else {
            report.skipped.unsupported += 1
            return
        }
        guard (200..<300).contains(answer.status) else {
            report.skipped.sourceNotOK += 1
            return
        }
        guard answer.header(ReadRecorder.omittedBodyHeader) == nil else {
            report.skipped.oversize += 1
            return
        }
        guard let sourceBody = ExchangeBody.decoded(answer.body, contentEncoding: answer.header("content-encoding")),
            let source = try? JSONValue.parse(sourceBody),
            let requestBody = ExchangeBody.decoded(request.body, contentEncoding: request.header("content-encoding")),
            ExchangeBody.isJSON(contentType: request.header("content-type"))
        else {
            report.skipped.unsupported += 1
            return
        }
        let sent: ReadRequestRewriter.Request
        switch rewriter.rewrite(
            kind: kind, method: request.method, target: request.target, body: requestBody, contentType: request.header("content-type"))
        {
        case .send(let request): sent = request
        case .outsideSelection:
            report.skipped.outsideSelection += 1
            return
        case .unsupported(let reason):
            logger.debug("read not compared", metadata: ["path": "\(Self.path(of: request.target))", "reason": "\(reason)"])
            report.skipped.unsupported += 1
            return
        }
        // Searches see what was written up to now, as on the source when the client asked.
        if let indices = sent.indices, refreshed.insert(indices).inserted {
            _ = try? await client.send(.POST, "/\(indices)/_refresh")
        }
        let response = try await client.send(
            HTTPMethod(rawValue: sent.method), sent.path, query: sent.query, body: sent.body.isEmpty ? nil : sent.body,
            contentType: sent.contentType)
        try client.checkAccess(response, method: sent.method, path: sent.path)
        let differences = answers.differences(
            kind: kind, source: source, targetStatus: response.status, target: response.json(), targetError: response.errorSummary)
        report.compared += 1
        guard !differences.isEmpty else {
            report.equal += 1
            return
        }
        report.different += 1
        if report.samples.count < options.samples {
            report.samples.append(
                ReadComparisonReport.Sample(
                    kind: kind, method: request.method, path: Self.path(of: request.target), targetPath: sent.path,
                    differences: differences))
        }
    }

    /// The path without the query: queries may hold data (`q=`) that a report should not repeat.
    private static func path(of target: String) -> String {
        String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}
