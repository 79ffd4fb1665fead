import NIOCore
import NIOHTTP1
import NIOPosix

/// One client TCP connection speaking HTTP/1.1 part by part, for what a pooled client hides: keep-alive on a single
/// connection, pipelining, chunked request bodies.
enum RawHTTPConnection {
    typealias Inbound = NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    typealias Outbound = NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    /// Opens a connection to the proxy and closes it after `body`.
    static func with<T: Sendable>(port: Int, _ body: (inout Inbound, Outbound) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            return try await body(&iterator, outbound)
        }
    }

    /// Writes a complete request with a Content-Length body.
    static func write(_ method: HTTPMethod, _ uri: String, body: String? = nil, to outbound: Outbound) async throws {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        head.headers.add(name: "Host", value: "proxy")
        if let body {
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        }
        try await outbound.write(.head(head))
        if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body)))) }
        try await outbound.write(.end(nil))
    }

    /// Reads one whole response.
    static func read(_ inbound: inout Inbound) async throws -> (head: HTTPResponseHead, body: String) {
        var head: HTTPResponseHead?
        var body = ByteBuffer()
        while let part = try await inbound.next() {
            switch part {
            case .head(let received): head = received
            case .body(var chunk): body.writeBuffer(&chunk)
            case .end:
                guard let head else { throw RawHTTPError() }
                return (head, String(buffer: body))
            }
        }
        throw RawHTTPError()
    }

    struct RawHTTPError: Error {}
}
