import Foundation
import Logging
import SearchClient
import TernCore

/// `tern validate`: for every selected source index and its (renamed) target index, counts and every document's
/// canonical digest on both sides; then the representative requests of a query file on both clusters.
public struct ValidationRunner: Sendable {
    public struct Options: Sendable {
        public var selection: IndexSelection
        /// Share of documents compared (by a hash of `_id`, the same ids on both sides); 1 compares all.
        public var sampleRate: Double
        public var queries: [QueryCase]
        public var comparison: SearchAnswerComparison
        public var slices: Int
        public var workFolder: String

        public init(
            selection: IndexSelection = IndexSelection(), sampleRate: Double = 1, queries: [QueryCase] = [],
            comparison: SearchAnswerComparison = SearchAnswerComparison(), slices: Int = 4,
            workFolder: String = FileManager.default.temporaryDirectory.path
        ) {
            self.selection = selection
            self.sampleRate = sampleRate
            self.queries = queries
            self.comparison = comparison
            self.slices = slices
            self.workFolder = workFolder
        }
    }

    public let source: ClusterConfiguration
    public let target: ClusterConfiguration
    public let options: Options
    public let logger: Logger

    public init(source: ClusterConfiguration, target: ClusterConfiguration, options: Options, logger: Logger) {
        self.source = source
        self.target = target
        self.options = options
        self.logger = logger
    }

    public func run() async throws -> ValidationReport {
        let startedAt = Date()
        let clock = ContinuousClock.now
        return try await SearchClient.withClient(source, logger: logger) { sourceClient in
            try await SearchClient.withClient(target, logger: logger) { targetClient in
                let sourceInfo = try await sourceClient.info()
                let targetInfo = try await targetClient.info()
                let names = options.selection.select(try await sourceClient.indices().filter { $0.status != "close" }.map(\.name)).sorted()
                guard !names.isEmpty || !options.queries.isEmpty else {
                    throw TernError(
                        .invalidArgument,
                        "Nothing to validate: no index of the source matches the selection; name indices with --index (system indices need a name starting with '.')."
                    )
                }
                let validation = IndexValidation(
                    source: sourceClient, sourceCluster: sourceInfo, target: targetClient, targetCluster: targetInfo,
                    options: IndexValidation.Options(
                        reading: DocumentDigestReader.Options(slices: options.slices, sampleRate: options.sampleRate),
                        workFolder: options.workFolder))
                var results: [IndexValidationResult] = []
                for name in names {
                    let targetName = options.selection.targetName(for: name)
                    logger.info("validating", metadata: ["index": "\(name)", "target_index": "\(targetName)"])
                    do {
                        results.append(try await validation.run(sourceIndex: name, targetIndex: targetName))
                    } catch let error as TernError where error.kind == .indexNotFound {
                        // The whole index is missing on the target: every source document is missing.
                        let count = try await sourceClient.documentCount(index: name, query: nil)
                        var comparison = DigestComparison()
                        comparison.missing = count
                        results.append(
                            IndexValidationResult(
                                sourceIndex: name, targetIndex: targetName, sourceCount: count, targetCount: 0,
                                sampleRate: options.sampleRate, sourceDigested: 0, targetDigested: 0, comparison: comparison))
                    }
                }
                let queries = try await QueryParity(comparison: options.comparison, selection: options.selection).run(
                    options.queries, source: sourceClient, target: targetClient)
                return ValidationReport(
                    source: source.displayEndpoint, target: target.displayEndpoint, startedAt: startedAt,
                    seconds: (ContinuousClock.now - clock).inSeconds, indices: results, queries: queries)
            }
        }
    }
}
