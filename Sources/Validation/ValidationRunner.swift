import Foundation
import Logging
import Metadata
import SearchClient
import TernCore

/// `tern validate`: for every selected source index and its (renamed) target index, counts, every document's
/// canonical digest on both sides, and the target's mappings and settings against the transformed source definition;
/// then the representative requests of a query file on both clusters. With `repair`, the differences found are fixed
/// from the source and everything is validated again.
public struct ValidationRunner: Sendable {
    public struct Options: Sendable {
        public var selection: IndexSelection
        /// Share of documents compared (by a hash of `_id`, the same ids on both sides); 1 compares all.
        public var sampleRate: Double
        public var queries: [QueryCase]
        public var comparison: SearchAnswerComparison
        public var slices: Int
        public var workFolder: String
        /// Compare each target index's mappings and settings with the source's, transformed by the metadata rules.
        public var checkMetadata: Bool
        /// Copy missing and different documents from the source, delete extra ones, then validate again.
        public var repair: Bool
        /// The writes clients sent through the capture proxy that may not have reached the target yet: differences on
        /// the documents they name are reported as in flight, not as differences. Nil (the cutover gate, with writes
        /// held) compares exactly.
        public var inFlight: (any InFlightWritesSource)?

        public init(
            selection: IndexSelection = IndexSelection(), sampleRate: Double = 1, queries: [QueryCase] = [],
            comparison: SearchAnswerComparison = SearchAnswerComparison(), slices: Int = 4,
            workFolder: String = FileManager.default.temporaryDirectory.path, checkMetadata: Bool = true, repair: Bool = false,
            inFlight: (any InFlightWritesSource)? = nil
        ) {
            self.inFlight = inFlight
            self.selection = selection
            self.sampleRate = sampleRate
            self.queries = queries
            self.comparison = comparison
            self.slices = slices
            self.workFolder = workFolder
            self.checkMetadata = checkMetadata
            self.repair = repair
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

    /// Both clusters as one validation pass sees them.
    private struct Sides {
        var source: SearchClient
        var sourceInfo: ClusterInfo
        var target: SearchClient
        var targetInfo: ClusterInfo
    }

    public func run() async throws -> ValidationReport {
        let startedAt = Date()
        let clock = ContinuousClock.now
        let folder = "\(options.workFolder)/tern-repair-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await SearchClient.withClient(source, logger: logger) { sourceClient in
            try await SearchClient.withClient(target, logger: logger) { targetClient in
                let sides = Sides(
                    source: sourceClient, sourceInfo: try await sourceClient.info(), target: targetClient,
                    targetInfo: try await targetClient.info())
                // A data stream is compared with its counterpart by name (each side names its own backing indices).
                let allStreams = try await sourceClient.dataStreams()
                let streams = allStreams.filter { options.selection.selects($0.name) }
                let backing = Set(allStreams.flatMap(\.backingIndices))
                let names =
                    (options.selection.openIndices(try await sourceClient.indices(), logger: logger).map(\.name).filter {
                        !backing.contains($0)
                    } + streams.map(\.name)).sorted()
                guard !names.isEmpty || !options.queries.isEmpty else {
                    throw TernError(
                        .invalidArgument,
                        "Nothing to validate: no index of the source matches the selection; name indices with --index (system indices need a name starting with '.')."
                    )
                }
                // A repair changes documents, never definitions: the mappings are compared once for both passes.
                let definitions = options.checkMetadata && !names.isEmpty ? try await metadataChecks() : [:]
                let first = try await validate(
                    names, sides: sides, definitions: definitions, differencesFolder: options.repair ? folder : nil)
                let needRepair = first.indices.filter { !$0.documentsAgree }
                guard options.repair, !needRepair.isEmpty else {
                    return ValidationReport(
                        source: source.displayEndpoint, target: target.displayEndpoint, startedAt: startedAt,
                        seconds: (ContinuousClock.now - clock).inSeconds, indices: first.indices, queries: first.queries,
                        repairs: options.repair ? [] : nil, inFlight: first.inFlight)
                }
                var repairs: [IndexRepair.Result] = []
                let repair = IndexRepair(
                    source: sides.source, sourceCluster: sides.sourceInfo, target: sides.target, targetCluster: sides.targetInfo)
                for result in needRepair {
                    logger.info("repairing", metadata: ["index": "\(result.sourceIndex)", "target_index": "\(result.targetIndex)"])
                    guard let differences = first.differences[result.sourceIndex] else {
                        var skipped = IndexRepair.Result(sourceIndex: result.sourceIndex, targetIndex: result.targetIndex)
                        skipped.failed = result.missing
                        skipped.failures = [
                            "The target has no index '\(result.targetIndex)'; create it with tern metadata migrate or tern backfill, then validate again."
                        ]
                        repairs.append(skipped)
                        continue
                    }
                    repairs.append(
                        try await repair.run(sourceIndex: result.sourceIndex, targetIndex: result.targetIndex, differences: differences))
                }
                let second = try await validate(names, sides: sides, definitions: definitions, differencesFolder: nil)
                return ValidationReport(
                    source: source.displayEndpoint, target: target.displayEndpoint, startedAt: startedAt,
                    seconds: (ContinuousClock.now - clock).inSeconds, indices: second.indices, queries: second.queries, repairs: repairs,
                    beforeRepair: first.indices, inFlight: second.inFlight)
            }
        }
    }

    /// One pass over every index and request. With `differencesFolder`, every difference of each index is recorded
    /// there (for a repair); indices missing on the target get no list.
    private func validate(
        _ names: [String], sides: Sides, definitions: [String: IndexMetadataCheck], differencesFolder: String?
    ) async throws -> (
        indices: [IndexValidationResult], queries: [QueryParity.Result], differences: [String: DocumentDifferences],
        inFlight: InFlightSummary?
    ) {
        let validation = IndexValidation(
            source: sides.source, sourceCluster: sides.sourceInfo, target: sides.target, targetCluster: sides.targetInfo,
            options: IndexValidation.Options(
                reading: DocumentDigestReader.Options(slices: options.slices, sampleRate: options.sampleRate),
                workFolder: options.workFolder, inFlight: options.inFlight))
        var results: [IndexValidationResult] = []
        var differences: [String: DocumentDifferences] = [:]
        if let differencesFolder {
            do {
                try FileManager.default.createDirectory(atPath: differencesFolder, withIntermediateDirectories: true)
            } catch {
                throw TernError(.invalidArgument, "Cannot create \(differencesFolder) for the repair: \(error.localizedDescription).")
            }
        }
        for (position, name) in names.enumerated() {
            let targetName = options.selection.targetName(for: name)
            logger.info("validating", metadata: ["index": "\(name)", "target_index": "\(targetName)"])
            let list = try differencesFolder.map { try DocumentDifferences(path: "\($0)/\(position).differences") }
            var result: IndexValidationResult
            do {
                result = try await validation.run(sourceIndex: name, targetIndex: targetName, differences: list)
                differences[name] = list
            } catch let error as TernError where error.kind == .indexNotFound {
                // The whole index is missing on the target: every source document is missing.
                let count = try await sides.source.documentCount(index: name, query: nil)
                var comparison = DigestComparison()
                comparison.missing = count
                result = IndexValidationResult(
                    sourceIndex: name, targetIndex: targetName, sourceCount: count, targetCount: 0, sampleRate: options.sampleRate,
                    sourceDigested: 0, targetDigested: 0, comparison: comparison)
                // A target without the index is a real difference, writes in flight or not.
                if options.inFlight != nil {
                    result.inFlight = 0
                    result.inFlightSamples = []
                }
            }
            if options.checkMetadata {
                result.metadata = definitions[targetName] ?? IndexMetadataCheck(status: .missing)
            }
            results.append(result)
        }
        let queries = try await QueryParity(comparison: options.comparison, selection: options.selection).run(
            options.queries, source: sides.source, target: sides.target)
        var inFlight: InFlightSummary?
        if let writes = try await options.inFlight?.current() {
            inFlight = InFlightSummary(
                since: writes.since, until: writes.until, documents: results.reduce(0) { $0 + ($1.inFlight ?? 0) })
        }
        return (results, queries, differences, inFlight)
    }

    /// The metadata evaluation of the selected indices (no templates, no pipelines), by target index name.
    private func metadataChecks() async throws -> [String: IndexMetadataCheck] {
        let report = try await MetadataRunner(
            source: .cluster(source), target: target,
            options: MetadataRunOptions(selection: options.selection, excludeTemplates: ["*"], apply: false), logger: logger
        ).run()
        var checks: [String: IndexMetadataCheck] = [:]
        for entry in report.items where entry.kind == .index {
            let status: IndexMetadataCheck.Status =
                switch entry.status {
                case .create: .missing
                case .identical: .identical
                case .different: .different
                case .conflict: .conflict
                case .cannotConvert: .cannotConvert
                }
            checks[entry.name] = IndexMetadataCheck(status: status, differences: entry.differences)
        }
        return checks
    }
}
