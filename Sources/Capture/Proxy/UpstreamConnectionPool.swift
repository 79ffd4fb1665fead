import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// What an upstream exchange reports, in order, on the event loop of the client connection that asked for it.
enum UpstreamEvent {
    /// The answer's head, and the connection it streams from, to pause while the client cannot keep up.
    case head(HTTPResponseHead, UpstreamReading)
    case body(ByteBuffer)
    /// The upstream connection finished a read: a good moment to flush what was written downstream.
    case readComplete
    case end
    /// The exchange failed; nothing follows. After a `head` this means the answer broke mid-body.
    case failed(any Error)
}

/// Pauses and resumes one upstream answer, on its event loop.
struct UpstreamReading {
    fileprivate let connection: UpstreamConnectionHandler

    func pause() { connection.setReading(false) }
    func resume() { connection.setReading(true) }
}

/// Where one upstream connection is opened: scheme, host and port of an endpoint.
struct UpstreamAddress: Hashable {
    var host: String
    var port: Int
    var tls: Bool
}

/// The keep-alive connections of one cluster endpoint on one event loop. Only used on that loop: requests are forwarded
/// on the loop of the client connection, so a proxied request never changes threads.
final class UpstreamConnectionPool {
    private let eventLoop: any EventLoop
    private let address: UpstreamAddress
    private let sslContext: Result<NIOSSLContext, any Error>?
    private let connectTimeout: TimeAmount
    private let limit: Int
    private var idle: [UpstreamConnectionHandler] = []
    private var open = 0
    private var waiters = CircularBuffer<Lease>()
    private var closed = false

    typealias Lease = (Result<UpstreamConnectionHandler, any Error>) -> Void

    init(
        eventLoop: any EventLoop, address: UpstreamAddress, sslContext: Result<NIOSSLContext, any Error>?, connectTimeout: TimeAmount,
        limit: Int
    ) {
        self.eventLoop = eventLoop
        self.address = address
        self.sslContext = sslContext
        self.connectTimeout = connectTimeout
        self.limit = max(1, limit)
    }

    /// Calls `lease` on this loop with an idle connection, a new one, or (at the limit) the next one released.
    func lease(_ lease: @escaping Lease) {
        eventLoop.preconditionInEventLoop()
        while let connection = idle.popLast() {
            if connection.isUsable {
                lease(.success(connection))
                return
            }
        }
        guard !closed else { return lease(.failure(ChannelError.ioOnClosedChannel)) }
        if open >= limit {
            waiters.append(lease)
        } else {
            connect(lease)
        }
    }

    /// Returns a connection after a complete exchange; `reusable` is false when either side asked to close it.
    func release(_ connection: UpstreamConnectionHandler, reusable: Bool) {
        eventLoop.preconditionInEventLoop()
        guard reusable, connection.isUsable, !closed else {
            connection.close()
            return
        }
        if let waiter = waiters.popFirst() {
            waiter(.success(connection))
        } else {
            idle.append(connection)
        }
    }

    /// Called when one of this pool's connections closed.
    fileprivate func connectionClosed(_ connection: UpstreamConnectionHandler) {
        open -= 1
        idle.removeAll { $0 === connection }
        if let waiter = waiters.popFirst() {
            if closed {
                waiter(.failure(ChannelError.ioOnClosedChannel))
            } else {
                connect(waiter)
            }
        }
    }

    func close() {
        eventLoop.preconditionInEventLoop()
        closed = true
        for connection in idle { connection.close() }
        idle.removeAll()
        while let waiter = waiters.popFirst() { waiter(.failure(ChannelError.ioOnClosedChannel)) }
    }

    private func connect(_ lease: @escaping Lease) {
        let tls: NIOSSLContext?
        switch sslContext {
        case .none: tls = nil
        case .success(let context): tls = context
        case .failure(let error): return lease(.failure(error))
        }
        open += 1
        let handler = UpstreamConnectionHandler(pool: self)
        let boundHandler = NIOLoopBound(handler, eventLoop: eventLoop)
        let address = self.address
        let serverHostname = Self.isIPAddress(address.host) ? nil : address.host
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls {
                        try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    }
                    try sync.addHTTPClientHandlers()
                    try sync.addHandler(boundHandler.value)
                }
            }
        bootstrap.connect(host: address.host, port: address.port).assumeIsolated().whenComplete { result in
            switch result {
            case .success:
                lease(.success(handler))
            case .failure(let error):
                if handler.countedOpen {
                    handler.countedOpen = false
                    self.open -= 1
                }
                lease(.failure(error))
            }
        }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// One upstream connection: sends one request at a time and reports its answer to whoever leased it.
final class UpstreamConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let pool: UpstreamConnectionPool
    private var context: ChannelHandlerContext?
    private var receiver: ((UpstreamEvent) -> Void)?
    private var keepAlive = true
    private var paused = false
    private var timeout: Scheduled<Void>?
    /// Whether this connection still counts against its pool's limit.
    fileprivate var countedOpen = true

    init(pool: UpstreamConnectionPool) {
        self.pool = pool
    }

    var isUsable: Bool { context?.channel.isActive ?? false }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// Sends a request; `receiver` gets the answer's events on this loop, and the connection returns to its pool after
    /// the end (or closes after a failure).
    func send(
        head: HTTPRequestHead, body: ByteBuffer?, deadline: TimeAmount, receiver: @escaping (UpstreamEvent) -> Void
    ) {
        guard let context, context.channel.isActive else {
            receiver(.failed(ChannelError.ioOnClosedChannel))
            close()
            return
        }
        self.receiver = receiver
        keepAlive = head.isKeepAlive
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: deadline) { [weak self] in
            self?.fail(UpstreamTimeoutError())
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body, body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        // No promise: a write that fails closes the channel, and channelInactive fails the request.
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let receiver else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if !head.isKeepAlive { keepAlive = false }
            receiver(.head(head, UpstreamReading(connection: self)))
        case .body(let chunk):
            receiver(.body(chunk))
        case .end:
            timeout?.cancel()
            timeout = nil
            self.receiver = nil
            setReading(true)
            // Released first, so that a request waiting for a connection (or pipelined behind this answer) gets this one.
            pool.release(self, reusable: keepAlive)
            receiver(.end)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?(.readComplete)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ChannelError.eof)
        if countedOpen {
            countedOpen = false
            pool.connectionClosed(self)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func close() {
        context?.close(promise: nil)
    }

    /// Stops or resumes reading from the upstream socket (backpressure from a slow client).
    fileprivate func setReading(_ reading: Bool) {
        guard paused == reading, let context else { return }
        paused = !reading
        context.channel.setOption(ChannelOptions.autoRead, value: reading).whenFailure { _ in }
    }

    private func fail(_ error: any Error) {
        timeout?.cancel()
        timeout = nil
        guard let receiver else { return }
        self.receiver = nil
        receiver(.failed(error))
        close()
    }
}

/// The upstream did not answer within the cluster's request timeout.
struct UpstreamTimeoutError: Error, CustomStringConvertible {
    var description: String { "the request timed out" }
}
