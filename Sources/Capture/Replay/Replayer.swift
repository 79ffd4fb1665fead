import Foundation
import Logging
import SearchClient
import State
import TernCore

/// `tern replay`: follows the capture log from its saved position and applies each logged write to the target, in
/// log order, saving the position after the target acknowledged. Re-reads (updates, unknown outcomes) go to the source.
///
/// Restart-safe: a killed replayer resumes at the last saved position and repeats at most the writes after it, which
/// are versioned (`_seq_no` as an external version) or idempotent, so the end state is the same.
public struct Replayer: Sendable {
    public let source: ClusterConfiguration
    public let target: ClusterConfiguration
    public let options: ReplayerOptions
    /// The process's one state store, where the replay's position is saved.
    public let store: StateStore
    public let logger: Logger

    public init(
        source: ClusterConfiguration, target: ClusterConfiguration, options: ReplayerOptions, store: StateStore, logger: Logger
    ) {
        self.source = source
        self.target = target
        self.options = options
        self.store = store
        self.logger = logger
    }

    /// The capture folder as the state store keys it.
    public static func stateKey(captureDirectory: String) -> String {
        URL(fileURLWithPath: captureDirectory).standardizedFileURL.path
    }

    /// Runs until cancelled, or with `untilDrained` until everything logged so far is applied.
    /// - Parameter onProgress: called after each saved step (for a progress line).
    /// - Throws: `TernError` when a cluster cannot be reached, the state store or the log cannot be read.
    public func run(onProgress: (@Sendable (ReplayProgress) -> Void)? = nil) async throws -> ReplayReport {
        let directory = Self.stateKey(captureDirectory: options.captureDirectory)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw TernError(
                .invalidArgument,
                "There is no capture folder at \(directory); start tern proxy first, or name its folder with --capture-dir.")
        }
        let targetName = target.displayEndpoint
        var progress =
            try await store.replayProgress(captureDirectory: directory, target: targetName)
            ?? ReplayProgress(captureDirectory: directory, target: targetName)
        let reader = CaptureLogReader(directory: directory, from: CapturePosition(segment: progress.segment, offset: progress.offset))
        var damage: [String] = []
        return try await SearchClient.withClient(source, logger: logger) { sourceClient in
            try await SearchClient.withClient(target, logger: logger) { targetClient in
                let applier = ReplayApplier(
                    source: sourceClient, sourceInfo: try await sourceClient.info(), target: targetClient,
                    targetInfo: try await targetClient.info(), selection: options.selection, streams: try await sourceClient.dataStreams())
                var pairing = ExchangePairing()
                var actions: [ReplayAction] = []
                var lastResponseMillis: Int64?
                var exchanges: Int64 = 0
                var issues: [ReplayIssue] = []
                logger.info(
                    "replay starts",
                    metadata: ["capture_dir": "\(directory)", "segment": "\(progress.segment)", "offset": "\(progress.offset)"])

                func save(atEnd: Bool) async throws {
                    if !actions.isEmpty {
                        try await applier.apply(actions, progress: &progress, issues: &issues)
                        actions.removeAll(keepingCapacity: true)
                    }
                    let resume = pairing.resumePosition(readerPosition: reader.position)
                    progress.segment = resume.segment
                    progress.offset = resume.offset
                    progress.exchanges += exchanges
                    exchanges = 0
                    progress.lastWriteMillis = lastResponseMillis ?? progress.lastWriteMillis
                    let now = Int64(Date().timeIntervalSince1970 * 1000)
                    let oldest = pairing.oldestPendingMillis ?? (atEnd ? nil : lastResponseMillis)
                    progress.lagRecords = Int64(pairing.pendingCount)
                    progress.lagSeconds = oldest.map { Double(max(0, now - $0)) / 1000 } ?? 0
                    progress.updatedAt = Date()
                    try await store.saveReplayProgress(progress, issues: issues)
                    issues.removeAll()
                    onProgress?(progress)
                }

                while true {
                    try Task.checkCancellation()
                    if let entry = try reader.next() {
                        if let exchange = pairing.add(entry) {
                            actions += ReplayPlan(request: exchange.request, response: exchange.response).actions
                            lastResponseMillis = exchange.response?.timestampMillis
                            exchanges += 1
                        }
                        if actions.count >= options.batchSize { try await save(atEnd: false) }
                        continue
                    }
                    if let found = reader.damage {
                        // The valid prefix is applied; what lies after the damage in that segment is unreadable.
                        logger.error("capture log damaged", metadata: ["damage": "\(found.description)"])
                        damage.append(found.description)
                        issues.append(ReplayIssue(kind: .repair, index: "*", reason: found.description))
                        try await save(atEnd: false)
                        let next = CapturePosition(segment: found.position.segment + 1, offset: 0)
                        guard try CaptureLogSegments.list(directory).contains(where: { $0 >= next.segment }) else {
                            if options.untilDrained { break }
                            try await Task.sleep(for: options.pollInterval)
                            continue
                        }
                        reader.seek(to: next)
                        continue
                    }
                    // At the current end of the log: requests still unanswered after the timeout have an unknown outcome.
                    let cutoff = Int64(Date().timeIntervalSince1970 * 1000) - Int64(options.unansweredTimeout.inSeconds * 1000)
                    for exchange in pairing.expire(loggedBefore: cutoff) {
                        logger.warning(
                            "write without a logged answer; re-reading its documents from the source",
                            metadata: [
                                "exchange": "\(exchange.request.exchange)",
                                "request": "\(exchange.request.method) \(exchange.request.target)",
                            ])
                        actions += ReplayPlan(request: exchange.request, response: nil).actions
                        exchanges += 1
                    }
                    try await save(atEnd: true)
                    if options.untilDrained && pairing.pendingCount == 0 {
                        if let torn = try await tornTail(directory: directory, at: reader.position) {
                            logger.error("capture log damaged", metadata: ["damage": "\(torn.description)"])
                            damage.append(torn.description)
                            issues.append(ReplayIssue(kind: .repair, index: "*", reason: torn.description))
                            try await save(atEnd: true)
                        }
                        break
                    }
                    try await Task.sleep(for: options.pollInterval)
                }
                let allIssues = try await store.replayIssues(captureDirectory: directory, target: targetName)
                return ReplayReport(progress: progress, issues: allIssues, damage: damage)
            }
        }
    }
}

extension Replayer {
    /// An unfinished record at the end of the log that stays unfinished: a torn write (the proxy died while writing
    /// it, and no writer has recovered the folder since). Looked at twice, a moment apart, so a record being written
    /// right now is not taken for one.
    func tornTail(directory: String, at position: CapturePosition) async throws -> CaptureLogDamage? {
        func look() throws -> CaptureLogDamage? {
            let reader = CaptureLogReader(directory: directory, from: position, treatIncompleteTailAsDamage: true)
            guard try reader.next() == nil else { return nil }
            return reader.damage
        }
        guard let first = try look() else { return nil }
        try await Task.sleep(for: .seconds(1))
        guard let second = try look(), second.position == first.position else { return nil }
        return second
    }
}
