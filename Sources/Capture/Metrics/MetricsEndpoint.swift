import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import TernCore

/// A minimal HTTP listener that answers `GET /metrics` with Prometheus text, for long runs (such as `tern replay`) that
/// have no listener of their own to put metrics on. Each answer closes its connection: scrapes are rare, and nothing
/// lingers after ``close()``.
public final class MetricsEndpoint: Sendable {
    /// The port actually bound (the chosen one when 0 was asked for).
    public let port: Int
    public let host: String
    private let channel: any Channel

    private init(host: String, port: Int, channel: any Channel) {
        self.host = host
        self.port = port
        self.channel = channel
    }

    /// Listens on `host:port` (port 0 picks a free one) and serves what `render` returns at each scrape.
    /// - Throws: `TernError` (configuration) when the address is in use, not allowed or does not resolve.
    public static func start(host: String, port: Int, render: @escaping @Sendable () -> String) async throws -> MetricsEndpoint {
        let address = "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(render: render))
                    }
                }
                .bind(host: host, port: port).get()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw TernError.configuration(
                "Cannot serve metrics on \(address): the address is in use; stop the other process or choose another port.")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw TernError.configuration("Cannot serve metrics on \(address) (permission denied); use a port above 1023.")
        } catch is SocketAddressError {
            throw TernError.configuration("The metrics host '\(host)' does not resolve; give an IP address such as 127.0.0.1.")
        } catch {
            throw TernError.configuration("Cannot serve metrics on \(address): \(error).")
        }
        return MetricsEndpoint(host: host, port: channel.localAddress?.port ?? port, channel: channel)
    }

    /// `http://127.0.0.1:9464/metrics`, with the bound port.
    public var url: String {
        "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/metrics"
    }

    /// Stops listening.
    public func close() async {
        try? await channel.close()
    }
}

/// One connection: one request, one answer, then close.
private final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let render: @Sendable () -> String
    private var head: HTTPRequestHead?

    init(render: @escaping @Sendable () -> String) {
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? head.uri
        var headers = HTTPHeaders()
        let status: HTTPResponseStatus
        let body: String
        if path != "/metrics" {
            (status, body) = (.notFound, "Not found: metrics are at /metrics.\n")
        } else if head.method != .GET && head.method != .HEAD {
            (status, body) = (.methodNotAllowed, "Only GET reads /metrics.\n")
            headers.add(name: "Allow", value: "GET, HEAD")
        } else {
            (status, body) = (.ok, render())
        }
        let buffer = context.channel.allocator.buffer(string: body)
        headers.add(name: "Content-Type", value: status == .ok ? Self.contentType : "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(buffer.readableBytes))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil) }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
