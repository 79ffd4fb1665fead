import Foundation
import Logging
import Synchronization
import TernCore

/// `tern proxy` as a service: the capture proxy with its capture logs (writes sent to the source, writes sent to the
/// target, reads), the generated admin token's file, the retention loop, and a clean stop.
///
/// ```swift
/// let service = try ProxyService(configuration: configuration, logger: logger)
/// // From a signal handler: try await service.stop()
/// let statistics = try await service.run { startup in print("listening on \(startup.port)") }
/// ```
public final class ProxyService: Sendable {
    public struct Configuration: Sendable {
        /// Where to listen and forward, limits, and the admin token.
        public var proxy: CaptureProxyConfiguration
        /// The capture log of writes sent to the source.
        public var captureDirectory: String
        /// The capture log of writes sent to the target in target mode, for a rollback; opened only when the proxy has a
        /// target.
        public var targetCaptureDirectory: String
        /// Where the searches, counts and document gets the source answers are recorded; nil to record none.
        public var readLogDirectory: String?
        /// Sync policy and size limit of every capture log.
        public var logOptions: CaptureLogOptions
        /// Where a generated admin token is written (mode 0600) once the proxy listens; nil when the token was given.
        /// Written only then, so a proxy that cannot start never replaces the token file of one that runs.
        public var generatedTokenFile: String?
        /// Delete the segments every replay has applied once they were last written longer ago than this; nil keeps
        /// every segment.
        public var retention: Duration?
        /// The state folder where the replays of the capture folders save their positions, which retention waits for.
        public var stateDirectory: String
        /// How often retention looks for segments to delete.
        public var retentionInterval: Duration

        public init(
            proxy: CaptureProxyConfiguration, captureDirectory: String, targetCaptureDirectory: String, readLogDirectory: String? = nil,
            logOptions: CaptureLogOptions = CaptureLogOptions(), generatedTokenFile: String? = nil, retention: Duration? = nil,
            stateDirectory: String, retentionInterval: Duration = .seconds(30)
        ) {
            self.proxy = proxy
            self.captureDirectory = captureDirectory
            self.targetCaptureDirectory = targetCaptureDirectory
            self.readLogDirectory = readLogDirectory
            self.logOptions = logOptions
            self.generatedTokenFile = generatedTokenFile
            self.retention = retention
            self.stateDirectory = stateDirectory
            self.retentionInterval = retentionInterval
        }
    }

    /// What the service tells once the proxy listens.
    public struct Startup: Sendable {
        /// The port bound (a free one when the configuration says 0).
        public var port: Int
        public var mode: ProxyMode
        /// The target-side capture folder, when the proxy has a target.
        public var targetCaptureDirectory: String?
        /// The read log's folder, when reads are recorded.
        public var readLogDirectory: String?
        /// What opening the capture logs repaired (a torn tail cut by a crash); each is also logged as a warning.
        public var recoveries: [CaptureLogRecovery]
    }

    private enum Lifecycle {
        case idle
        case serving(CaptureProxy)
        /// ``stop()`` was called: a proxy not started yet never serves.
        case stopping
    }

    public let configuration: Configuration
    private let logger: Logger
    private let lifecycle = Mutex(Lifecycle.idle)

    /// Checks that the folders are distinct; nothing is opened until ``run(started:)``.
    /// - Throws: `TernError` (exit code 2) when two logs would share a folder.
    public init(configuration: Configuration, logger: Logger) throws {
        let hasTarget = configuration.proxy.target != nil
        if hasTarget && Self.sameFolder(configuration.captureDirectory, configuration.targetCaptureDirectory) {
            throw TernError.configuration("--capture-dir and --target-capture-dir name the same folder; give the target's log its own.")
        }
        if let readLog = configuration.readLogDirectory,
            Self.sameFolder(readLog, configuration.captureDirectory)
                || (hasTarget && Self.sameFolder(readLog, configuration.targetCaptureDirectory))
        {
            throw TernError.configuration(
                "--read-log names a capture folder; give the read log a folder of its own, replay reads the other.")
        }
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens the capture logs, starts the proxy, writes a generated token, calls `started`, and serves until ``stop()``
    /// (or cancellation); then closes the logs.
    /// - Parameter started: called once the proxy listens; when it throws, the proxy stops and the error is thrown on.
    /// - Returns: the proxy's counters at the end.
    /// - Throws: `TernError` (exit code 2) for a folder locked by another proxy or unwritable, an address in use, an
    ///   unreadable certificate, a token file that cannot be written.
    public func run(started: (Startup) throws -> Void) async throws -> ProxyStatistics {
        // The folder lock first: a second proxy on the same folder must fail before it replaces the first one's token.
        let sourceLog = try openLog(configuration.captureDirectory)
        var logs = [sourceLog]
        do {
            let targetLog = try configuration.proxy.target.map { _ in try openLog(configuration.targetCaptureDirectory) }
            if let targetLog { logs.append(targetLog) }
            let readLog = try configuration.readLogDirectory.map { try openLog($0) }
            if let readLog { logs.append(readLog) }
            let proxy = try CaptureProxy(
                configuration: configuration.proxy, sourceSink: sourceLog, targetSink: targetLog, readLog: readLog, logger: logger)
            let statistics = try await serve(
                proxy, logs: logs,
                startup: { port in
                    Startup(
                        port: port, mode: proxy.mode, targetCaptureDirectory: targetLog?.directory, readLogDirectory: readLog?.directory,
                        recoveries: logs.compactMap(\.recovery))
                }, started: started)
            try await Self.close(logs)
            return statistics
        } catch {
            try? await Self.close(logs)
            throw error
        }
    }

    /// Stops accepting connections, answers held writes with 503, and lets requests in flight finish; ``run(started:)``
    /// returns once the last one is answered. Called before the proxy listens, it keeps it from serving.
    public func stop() async {
        let proxy = lifecycle.withLock { state -> CaptureProxy? in
            defer { state = .stopping }
            if case .serving(let proxy) = state { return proxy }
            return nil
        }
        await proxy?.shutdown()
    }

    private func serve(
        _ proxy: CaptureProxy, logs: [CaptureLogWriter], startup: (Int) -> Startup, started: (Startup) throws -> Void
    ) async throws -> ProxyStatistics {
        let port = try await proxy.start()
        do {
            if let file = configuration.generatedTokenFile { try AdminTokenFile.write(configuration.proxy.adminToken, to: file) }
            let startup = startup(port)
            for recovery in startup.recoveries { logger.warning("\(recovery.description)") }
            try started(startup)
        } catch {
            await proxy.shutdown()
            throw error
        }
        let stopped = lifecycle.withLock { state -> Bool in
            if case .stopping = state { return true }
            state = .serving(proxy)
            return false
        }
        guard !stopped else {
            await proxy.shutdown()
            return proxy.statistics
        }
        let retention = configuration.retention.map { age in
            Task { await Self.keepRetention(age, logs: logs, configuration: configuration, logger: logger) }
        }
        do {
            try await proxy.run()
        } catch {
            retention?.cancel()
            await retention?.value
            throw error
        }
        // Stopped before the logs close: a pass running into a closed log would only warn.
        retention?.cancel()
        await retention?.value
        return proxy.statistics
    }

    private func openLog(_ directory: String) throws -> CaptureLogWriter {
        do {
            return try CaptureLogWriter(directory: directory, options: configuration.logOptions)
        } catch let error as TernError {
            // The proxy cannot start: a locked or unwritable folder is a setup problem, like a port in use.
            throw TernError.configuration(error.message)
        }
    }

    /// Runs retention on every capture log until cancelled; each folder is held back by its own replays.
    private static func keepRetention(_ age: Duration, logs: [CaptureLogWriter], configuration: Configuration, logger: Logger) async {
        let replays = ReplayPositions(stateDirectory: configuration.stateDirectory)
        await withTaskGroup(of: Void.self) { group in
            for log in logs {
                let retention = CaptureRetention(log: log, retention: age, logger: logger) {
                    try await replays.positions(captureDirectory: log.directory)
                }
                group.addTask { await retention.run(every: configuration.retentionInterval) }
            }
        }
    }

    private static func close(_ logs: [CaptureLogWriter]) async throws {
        for log in logs { try await log.close() }
    }

    private static func sameFolder(_ lhs: String, _ rhs: String) -> Bool {
        URL(fileURLWithPath: lhs).standardizedFileURL.path == URL(fileURLWithPath: rhs).standardizedFileURL.path
    }
}
