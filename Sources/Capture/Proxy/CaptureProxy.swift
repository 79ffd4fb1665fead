import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import TernCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An HTTP/1.1 reverse proxy in front of the source cluster that records every write in a capture log before the
/// client gets its answer.
///
/// Reads pass through (those the source answers optionally recorded in a read log of their own, see
/// ``init(configuration:sourceSink:targetSink:readLog:logger:)``). Writes (documents and index metadata, see ``WriteClassifier``) are recorded, forwarded, and
/// their answers recorded durably; only then does the client see the answer. The mode (``ProxyMode``) can change while
/// requests are in flight: a write keeps the cluster it was admitted to.
///
/// ```swift
/// let proxy = try CaptureProxy(configuration: configuration, sourceSink: log, logger: logger)
/// let port = try await proxy.start()
/// try await proxy.run()  // until shutdown() or cancellation
/// ```
public final class CaptureProxy: Sendable {
    public let configuration: CaptureProxyConfiguration
    private let logger: Logger
    private let modes: ModeController
    private let metrics = ProxyMetrics()
    private let registry = ConnectionRegistry()
    private let sourceSink: any CaptureSink
    private let targetSink: (any CaptureSink)?
    private let readLog: CaptureLogWriter?
    private let sourceTLS: TLSConfiguration
    private let targetTLS: TLSConfiguration?
    private let listenerTLS: NIOSSLContext?
    private let lifecycle = Mutex(Lifecycle.idle)
    /// The proxy's own event loops when `threads` is given (shut down when it stops); else NIO's one per core.
    private let ownGroup: MultiThreadedEventLoopGroup?

    private typealias ServerChannel = NIOAsyncChannel<any Channel, Never>

    private enum Lifecycle {
        case idle
        case started(ServerChannel, Upstreams)
        case running(ServerChannel)
        case stopped
    }

    private struct Upstreams: Sendable {
        var source: UpstreamCluster
        var target: UpstreamCluster?
        var router: RequestRouter

        func shutdown() async {
            await source.shutdown()
            await target?.shutdown()
        }
    }

    /// Checks the configuration; nothing listens or connects until ``start()``.
    /// - Parameters:
    ///   - sourceSink: the capture log for writes forwarded to the source.
    ///   - targetSink: the capture log for writes forwarded to the target in ``ProxyMode/target`` (so a rollback can replay
    ///     them on the source); required together with `configuration.target`.
    ///   - readLog: where searches, counts and document gets answered by the source are recorded with their answers
    ///     (best effort, never synced before the answer), for `tern compare-reads`; never the write log.
    /// - Throws: `TernError` (exit code 2) for unreadable TLS files, unsupported auth or a missing target capture log.
    public init(
        configuration: CaptureProxyConfiguration, sourceSink: any CaptureSink, targetSink: (any CaptureSink)? = nil,
        readLog: CaptureLogWriter? = nil, logger: Logger
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.sourceSink = sourceSink
        self.targetSink = targetSink
        self.readLog = readLog
        guard configuration.readSampleRate > 0, configuration.readSampleRate <= 1 else {
            throw TernError.configuration("The read sample rate must be more than 0 and at most 1 (0.1 records a tenth of the reads).")
        }
        sourceTLS = try UpstreamCluster.validate(configuration.source)
        targetTLS = try configuration.target.map { try UpstreamCluster.validate($0) }
        if configuration.target != nil && targetSink == nil {
            throw TernError.configuration(
                "The proxy has a target cluster but no target capture log; writes in target mode must be captured for a rollback.")
        }
        listenerTLS = try configuration.listenerTLS.map(ProxyTLS.listener)
        guard (0...65535).contains(configuration.port) else {
            throw TernError.configuration("The proxy port \(configuration.port) is not a TCP port; use 0 to 65535.")
        }
        guard configuration.maxRequestBodyBytes > 0 else {
            throw TernError.configuration("The proxy's request body limit must be positive.")
        }
        if let threads = configuration.threads, !(1...1024).contains(threads) {
            throw TernError.configuration("The proxy's thread count \(threads) is out of range; give 1 to 1024 (default: one per core).")
        }
        ownGroup = configuration.threads.map { MultiThreadedEventLoopGroup(numberOfThreads: $0) }
        modes = ModeController(mode: configuration.initialMode, targetAvailable: configuration.target != nil && targetSink != nil)
        if configuration.initialMode == .target {
            try modes.setMode(.target)
        }
    }

    /// The current mode.
    public var mode: ProxyMode { modes.mode }

    /// Switches the mode at once. Leaving `holdWrites` releases held writes into the new mode; writes already forwarded
    /// finish where they went. Before switching to `target`, wait until ``statistics`` shows no in-flight writes.
    /// - Returns: the mode before.
    /// - Throws: `TernError` when `target` is asked for without a target cluster.
    @discardableResult
    public func setMode(_ mode: ProxyMode) throws -> ProxyMode {
        let previous = try modes.setMode(mode)
        logger.notice("proxy mode changed", metadata: ["from": "\(previous)", "to": "\(mode)"])
        return previous
    }

    /// Waits until no write is between capture and answer, e.g. after switching to `holdWrites` and before `target`,
    /// so that no source write can land after the target took over.
    /// - Returns: false when writes were still in flight after `timeout`.
    public func waitForInFlightWrites(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while metrics.inFlightWrites.load(ordering: .relaxed) > 0 {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Counters and gauges right now.
    public var statistics: ProxyStatistics {
        metrics.snapshot(heldWritesNow: modes.heldWrites)
    }

    /// Binds the listener and opens the upstream connection pools.
    /// - Returns: the bound port (a free one when the configuration says 0).
    /// - Throws: `TernError` (exit code 2) when the address is in use or cannot be bound.
    @discardableResult
    public func start() async throws -> Int {
        let claimed = lifecycle.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .stopped  // claimed; replaced below
            return true
        }
        guard claimed else { throw TernError.configuration("The capture proxy was already started; create a new one.") }

        let group = ownGroup ?? MultiThreadedEventLoopGroup.singleton
        let source = UpstreamCluster(
            configuration: configuration.source, tls: sourceTLS, eventLoopGroup: group,
            connectionsPerHost: configuration.upstreamConnectionsPerHost)
        var target: UpstreamCluster?
        if let targetConfiguration = configuration.target, let targetTLS {
            target = UpstreamCluster(
                configuration: targetConfiguration, tls: targetTLS, eventLoopGroup: group,
                connectionsPerHost: configuration.upstreamConnectionsPerHost)
        }
        let readRecorder = readLog.map {
            ReadRecorder(
                log: $0, sampleRate: configuration.readSampleRate, maxBodyBytes: configuration.readLogMaxBodyBytes, metrics: metrics,
                logger: logger)
        }
        let router = RequestRouter(
            configuration: configuration, modes: modes, metrics: metrics, source: source, target: target, sourceSink: sourceSink,
            targetSink: targetSink, readRecorder: readRecorder, logger: logger)
        let upstreams = Upstreams(source: source, target: target, router: router)

        let server: ServerChannel
        do {
            server = try await bind(group: group, router: router)
        } catch {
            await upstreams.shutdown()
            throw bindError(error)
        }
        lifecycle.withLock { $0 = .started(server, upstreams) }
        let port = server.channel.localAddress?.port ?? configuration.port
        logger.info(
            "capture proxy listening",
            metadata: [
                "address": "\(configuration.host):\(port)", "tls": "\(listenerTLS != nil)",
                "source": "\(configuration.source.displayEndpoint)",
                "mode": "\(modes.mode)",
            ])
        return port
    }

    /// Serves clients until ``shutdown()`` (which lets requests in flight finish) or cancellation (which stops at once).
    public func run() async throws {
        let (server, upstreams) = try lifecycle.withLock { state -> (ServerChannel, Upstreams) in
            guard case .started(let server, let upstreams) = state else {
                throw TernError.configuration("The capture proxy must be started once before it runs.")
            }
            state = .running(server)
            return (server, upstreams)
        }
        defer { lifecycle.withLock { $0 = .stopped } }
        let logger = self.logger
        do {
            try await withTaskCancellationHandler {
                try await server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in connections {
                            // The connection serves itself on its event loop (ProxyConnection); this task only waits for
                            // it to close, so that run() returns after the last answer.
                            group.addTask {
                                await withTaskCancellationHandler {
                                    try? await connection.closeFuture.get()
                                } onCancel: {
                                    connection.close(promise: nil)
                                }
                            }
                        }
                    }
                }
            } onCancel: {
                server.channel.close(promise: nil)
            }
        } catch {
            await upstreams.shutdown()
            try? await ownGroup?.shutdownGracefully()
            throw error
        }
        await upstreams.shutdown()
        try? await ownGroup?.shutdownGracefully()
        logger.info("capture proxy stopped")
    }

    /// Stops accepting connections, answers held writes with 503, and lets requests in flight finish; ``run()`` returns
    /// when the last one is answered.
    public func shutdown() async {
        modes.shutDown()
        registry.drain()
        let action = lifecycle.withLock { state -> (ServerChannel?, Upstreams?) in
            switch state {
            case .started(let server, let upstreams):
                state = .stopped
                return (server, upstreams)
            case .running(let server):
                return (server, nil)
            case .idle, .stopped:
                state = .stopped
                return (nil, nil)
            }
        }
        if let server = action.0 {
            try? await server.channel.close()
        }
        // Started but never run: nobody else will close the pools.
        await action.1?.shutdown()
        if action.0 == nil || action.1 != nil { try? await ownGroup?.shutdownGracefully() }
    }

    private func bind(group: MultiThreadedEventLoopGroup, router: RequestRouter) async throws -> ServerChannel {
        let tls = listenerTLS
        let registry = self.registry
        let limit = configuration.maxRequestBodyBytes
        let logger = self.logger
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    // Pipelined requests wait in ProxyConnection, which keeps the socket readable (see its `queued`).
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: false, withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        ProxyConnection(router: router, registry: registry, maxRequestBodyBytes: limit, logger: logger))
                    return channel
                }
            }
    }

    private func bindError(_ error: any Error) -> TernError {
        let address = "\(configuration.host):\(configuration.port)"
        if let error = error as? IOError, error.errnoCode == EADDRINUSE {
            return TernError.configuration(
                "The proxy cannot listen on \(address): the address is in use; stop the other process or choose another port.")
        }
        if let error = error as? IOError, error.errnoCode == EACCES {
            return TernError.configuration("The proxy may not listen on \(address) (permission denied); use a port above 1023.")
        }
        if error is SocketAddressError {
            return TernError.configuration(
                "The proxy's listen host '\(configuration.host)' does not resolve; give an IP address such as 127.0.0.1.")
        }
        return TernError.configuration("The proxy cannot listen on \(address): \(error).")
    }
}
