import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// Serves one client connection: requests in order (pipelined ones wait their turn), bodies aggregated up to the
/// limit, keep-alive until the client or a graceful shutdown ends it.
struct ProxyConnection {
    typealias Channel = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    let channel: Channel
    let router: RequestRouter
    let registry: ConnectionRegistry
    let maxRequestBodyBytes: Int
    let logger: Logger

    func serve() async {
        guard let id = registry.register(channel.channel) else { return }
        defer { registry.remove(id) }
        do {
            try await channel.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while let part = try await parts.next() {
                    guard case .head(let head) = part else { continue }
                    registry.markBusy(id)
                    guard let request = try await readRequest(head, from: &parts, outbound: outbound) else { return }
                    let answer = await router.respond(to: request)
                    let keepAlive = registry.markIdle(id) && head.isKeepAlive
                    try await write(answer, version: head.version, keepAlive: keepAlive, to: outbound)
                    if !keepAlive { return }
                }
            }
        } catch {
            // A client that went away or an upstream body that broke mid-stream: the connection is closed, nothing to answer.
            logger.debug("client connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Aggregates the body; answers 413 itself (and returns `nil`) when it is over the limit.
    private func readRequest(
        _ head: HTTPRequestHead, from parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws -> ProxyRequest? {
        let receivedAt = RequestRouter.nowMillis()
        if let declared = head.headers.first(name: "content-length").flatMap(Int.init), declared > maxRequestBodyBytes {
            try await refuseTooLarge(head, outbound: outbound)
            return nil
        }
        if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
            try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .continue)))
        }
        var body = ByteBuffer()
        while let part = try await parts.next() {
            switch part {
            case .body(var chunk):
                guard body.readableBytes + chunk.readableBytes <= maxRequestBodyBytes else {
                    try await refuseTooLarge(head, outbound: outbound)
                    return nil
                }
                body.writeBuffer(&chunk)
            case .end:
                return ProxyRequest(head: head, body: body, receivedAtMillis: receivedAt)
            case .head:
                return nil
            }
        }
        return nil
    }

    /// 413, then the connection closes: the rest of the body is never read.
    private func refuseTooLarge(_ head: HTTPRequestHead, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        let response = router.refuse(
            .payloadTooLarge, type: "tern_proxy_request_too_large",
            reason:
                "The request body is larger than the proxy's limit of \(maxRequestBodyBytes) bytes (http.max_content_length); send smaller bulk requests."
        )
        try await write(.buffered(response), version: head.version, keepAlive: false, to: outbound)
    }

    private func write(
        _ answer: ProxyAnswer, version: HTTPVersion, keepAlive: Bool, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        switch answer {
        case .buffered(let response):
            var headers = response.headers
            headers.replaceOrAdd(name: "Content-Length", value: String(response.body.readableBytes))
            setConnection(&headers, version: version, keepAlive: keepAlive)
            try await outbound.write(.head(HTTPResponseHead(version: version, status: response.status, headers: headers)))
            if response.body.readableBytes > 0 {
                try await outbound.write(.body(.byteBuffer(response.body)))
            }
            try await outbound.write(.end(nil))
        case .streamed(let response):
            var headers = ProxyHeaders.downstreamResponse(response.headers, keepLength: true)
            // Without a length an HTTP/1.0 client can only find the end by the connection closing.
            let keepAlive = keepAlive && (version.minor >= 1 || headers.contains(name: "content-length"))
            setConnection(&headers, version: version, keepAlive: keepAlive)
            try await outbound.write(.head(HTTPResponseHead(version: version, status: response.status, headers: headers)))
            for try await chunk in response.body {
                try await outbound.write(.body(.byteBuffer(chunk)))
            }
            try await outbound.write(.end(nil))
            if !keepAlive { throw ConnectionDone() }
        }
    }

    private func setConnection(_ headers: inout HTTPHeaders, version: HTTPVersion, keepAlive: Bool) {
        headers.remove(name: "connection")
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if version.major == 1 && version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
    }

    /// Ends a connection whose answer could only be delimited by closing it.
    private struct ConnectionDone: Error {}
}
