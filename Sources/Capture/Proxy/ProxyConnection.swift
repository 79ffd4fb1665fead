import Logging
import NIOCore
import NIOHTTP1

/// Serves one client connection on its event loop: requests in order (pipelined ones wait their turn in ``queued``),
/// bodies aggregated up to the limit, keep-alive until the client or a graceful shutdown
/// ends it. Reads are forwarded and streamed back without leaving the loop; a captured write leaves it only to wait for
/// the capture log's sync (and, in `hold-writes` mode, for the hold to end).
final class ProxyConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case reading(HTTPRequestHead, ByteBuffer, receivedAtMillis: Int64)
        /// The request is with the router; its answer has not been written completely.
        case answering(HTTPRequestHead)
        /// A 413 was sent: the rest of the request is ignored until the connection closes.
        case refused
    }

    private let router: RequestRouter
    private let registry: ConnectionRegistry
    private let maxRequestBodyBytes: Int
    private let logger: Logger
    private var state = State.idle
    private var id: Int?
    private var context: ChannelHandlerContext?
    /// The upstream answer being streamed, paused while this connection's writes are backed up.
    private var streaming: UpstreamReading?
    /// Parts of requests the client sent before the current one was answered (HTTP/1.1 pipelining), handled in order
    /// once it is. The socket stays readable meanwhile: turning reads off and on for every request (as NIO's
    /// `HTTPServerPipelineHandler` does) costs two `epoll_ctl` calls per request. Reads pause only when a client
    /// pipelines more than ``maxQueuedBytes``.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    private var queuedBytes = 0
    private var readsPaused = false
    static let maxQueuedBytes = 1 << 20

    init(router: RequestRouter, registry: ConnectionRegistry, maxRequestBodyBytes: Int, logger: Logger) {
        self.router = router
        self.registry = registry
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        id = registry.register(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id { registry.remove(id) }
        id = nil
        // Nobody reads the rest of a streamed answer any more: let it drain so that its connection can be reused.
        streaming?.resume()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { streaming?.resume() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A client that went away or a request that could not be parsed: the connection is closed, nothing to answer.
        logger.debug("client connection ended", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .answering = state {
            queue(part, context: context)
            return
        }
        handle(part, context: context)
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        if case .refused = state { return }
        switch part {
        case .head(let head):
            guard case .idle = state, let id else { return outOfOrder(context) }
            registry.markBusy(id)
            let receivedAt = RequestRouter.nowMillis()
            if let declared = head.headers.first(name: "content-length").flatMap(Int.init), declared > maxRequestBodyBytes {
                refuseTooLarge(head, context: context)
                return
            }
            if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
            state = .reading(head, ByteBuffer(), receivedAtMillis: receivedAt)
        case .body(var chunk):
            // Matched on `state` alone (not on a tuple holding a copy of it), so that once `state` lets go the body has
            // one owner and appending does not copy it: a copy per chunk made a 100 MB bulk take a minute.
            guard case .reading(let head, var body, let receivedAt) = state else { return outOfOrder(context) }
            guard body.readableBytes + chunk.readableBytes <= maxRequestBodyBytes else {
                refuseTooLarge(head, context: context)
                return
            }
            state = .idle
            body.writeBuffer(&chunk)
            state = .reading(head, body, receivedAtMillis: receivedAt)
        case .end:
            guard case .reading(let head, let body, let receivedAt) = state else { return outOfOrder(context) }
            state = .answering(head)
            respond(to: ProxyRequest(head: head, body: body, receivedAtMillis: receivedAt), context: context)
        }
    }

    /// A part out of order (the decoder never delivers one): end the connection.
    private func outOfOrder(_ context: ChannelHandlerContext) {
        context.close(promise: nil)
    }

    // MARK: Answers

    private func respond(to request: ProxyRequest, context: ChannelHandlerContext) {
        switch router.respond(to: request) {
        case .buffered(let response):
            writeBuffered(response, for: request.head)
        case .read:
            forwardRead(request, context: context)
        case .write:
            router.forwardWrite(request, on: context.eventLoop).assumeIsolated().whenSuccess { response in
                self.writeBuffered(response, for: request.head)
            }
        }
    }

    private func forwardRead(_ request: ProxyRequest, context: ChannelHandlerContext) {
        let version = request.head.version
        var keepAlive = false
        router.forwardRead(request, on: context.eventLoop) { event in
            guard let context = self.context else { return }
            switch event {
            case .refused(let response):
                self.writeBuffered(response, for: request.head)
            case .upstream(.head(let head, let reading)):
                self.streaming = reading
                var headers = ProxyHeaders.downstreamResponse(head.headers, keepLength: true)
                // Without a length an HTTP/1.0 client can only find the end by the connection closing.
                keepAlive =
                    self.finishRequest(request.head) && (version.minor >= 1 || headers.contains(name: "content-length"))
                Self.setConnection(&headers, version: version, keepAlive: keepAlive)
                context.write(
                    self.wrapOutboundOut(.head(HTTPResponseHead(version: version, status: head.status, headers: headers))), promise: nil)
            case .upstream(.body(let chunk)):
                context.write(self.wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
            case .upstream(.readComplete):
                context.flush()
                if !context.channel.isWritable { self.streaming?.pause() }
            case .upstream(.end):
                self.streaming = nil
                self.writeEnd(keepAlive: keepAlive, context: context)
            case .upstream(.failed(let error)):
                self.streaming = nil
                // The upstream answer broke mid-body: the client can only tell by the connection closing.
                self.logger.debug("client connection ended", metadata: ["error": "\(error)"])
                context.close(promise: nil)
            }
        }
    }

    /// Marks the request answered in the registry; returns whether the connection stays open after the answer.
    private func finishRequest(_ head: HTTPRequestHead) -> Bool {
        guard let id else { return false }
        return registry.markIdle(id) && head.isKeepAlive
    }

    private func writeBuffered(_ response: ProxyResponse, for request: HTTPRequestHead) {
        guard let context else { return }
        let keepAlive = finishRequest(request)
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.readableBytes))
        Self.setConnection(&headers, version: request.version, keepAlive: keepAlive)
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: response.status, headers: headers))), promise: nil)
        if response.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        }
        writeEnd(keepAlive: keepAlive, context: context)
    }

    private func writeEnd(keepAlive: Bool, context: ChannelHandlerContext) {
        if keepAlive {
            if case .answering = state { state = .idle }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            handleQueued(context: context)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    // MARK: Pipelining

    private func queue(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        if case .body(let chunk) = part { queuedBytes += chunk.readableBytes }
        queued.append(part)
        if !readsPaused && (queuedBytes > Self.maxQueuedBytes || queued.count > 1024) {
            readsPaused = true
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
    }

    /// Handles queued parts until a request is with the router again (or none is left).
    private func handleQueued(context: ChannelHandlerContext) {
        while let part = queued.popFirst() {
            if case .body(let chunk) = part { queuedBytes -= chunk.readableBytes }
            handle(part, context: context)
            if case .answering = state { break }
        }
        if readsPaused && queued.isEmpty {
            readsPaused = false
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        }
    }

    /// 413, then the connection closes: the rest of the body is never read.
    private func refuseTooLarge(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        state = .refused
        let response = router.refuse(
            .payloadTooLarge, type: "tern_proxy_request_too_large",
            reason:
                "The request body is larger than the proxy's limit of \(maxRequestBodyBytes) bytes (http.max_content_length); send smaller bulk requests."
        )
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.readableBytes))
        Self.setConnection(&headers, version: head.version, keepAlive: false)
        if let id { _ = registry.markIdle(id) }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        writeEnd(keepAlive: false, context: context)
    }

    private static func setConnection(_ headers: inout HTTPHeaders, version: HTTPVersion, keepAlive: Bool) {
        headers.remove(name: "connection")
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if version.major == 1 && version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
    }
}
