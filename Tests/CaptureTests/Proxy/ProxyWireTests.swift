import Capture
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SearchClient
import TernCore
import TernTestSupport
import Testing

/// What HTTP/1.1 lets a client or a cluster do on the wire, through the proxy: pipelining, `Expect: 100-continue`,
/// chunked bodies both ways, gzip-compressed bodies, a bulk body near the 100 MB limit. Each is forwarded and captured
/// as sent, against a real osmem-server (and, for chunked and gzip answers, which osmem does not send, a server that
/// sends them: `FaultyServer(.chunked)`).
@Suite struct ProxyWireTests {
    @Test func pipelinedWritesAndReadsAreAnsweredAndCapturedInOrder() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            try await ProxyHarness.with(source: server.configuration(role: "source"), sink: sink) { proxy in
                try await RawHTTPConnection.with(port: proxy.port) { inbound, outbound in
                    // Twenty requests written before any answer is read: each read must see the write before it.
                    for id in 0..<10 {
                        try await RawHTTPConnection.write(.PUT, "/piped/_doc/\(id)", body: #"{"n":\#(id)}"#, to: outbound)
                        try await RawHTTPConnection.write(.GET, "/piped/_doc/\(id)", to: outbound)
                    }
                    for id in 0..<10 {
                        let write = try await RawHTTPConnection.read(&inbound)
                        #expect(write.head.status == .created, "write \(id)")
                        let read = try await RawHTTPConnection.read(&inbound)
                        #expect(read.head.status == .ok && read.body.contains(#""n":\#(id)"#), "read \(id): \(read.body)")
                    }
                }
                #expect(sink.exchanges.map(\.uri) == (0..<10).map { "/piped/_doc/\($0)" })
                #expect(sink.exchanges.allSatisfy { $0.status == 201 })
            }
        }
    }

    @Test func expectContinueIsAnsweredBeforeTheBodyIsSent() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            try await ProxyHarness.with(source: server.configuration(role: "source"), sink: sink) { proxy in
                let body = #"{"title":"sent after 100 Continue"}"#
                let (interim, final) = try await Self.withRawSocket(port: proxy.port) { inbound, outbound in
                    let head =
                        "PUT /continued/_doc/1 HTTP/1.1\r\nHost: proxy\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\n\r\n"
                    try await outbound.write(ByteBuffer(string: head))
                    // The client holds the body until the proxy says to go on.
                    let interim = try await Self.readUntil(&inbound, "\r\n\r\n")
                    try await outbound.write(ByteBuffer(string: body))
                    let final = try await Self.readUntil(&inbound, "}")
                    return (interim, final)
                }
                #expect(interim.hasPrefix("HTTP/1.1 100 Continue"), "\(interim)")
                #expect(final.hasPrefix("HTTP/1.1 201"), "\(final)")
                #expect(sink.exchanges.first?.requestBody == body)
                #expect(try await server.documents(in: "continued")["1"] != nil)
            }
        }
    }

    @Test func aGzipRequestBodyIsForwardedAndCapturedAsSent() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            try await ProxyHarness.with(source: server.configuration(role: "source"), sink: sink) { proxy in
                let compressed = try Gzip.compress(Array(#"{"packed":true}"#.utf8))
                let answer = try await proxy.send(.PUT, "/packed/_doc/1", bytes: compressed, headers: [("Content-Encoding", "gzip")])
                #expect(answer.status == 201, "\(answer.body)")
                #expect(try await server.documents(in: "packed")["1"]?.canonicalSource == #"{"packed":true}"#)
                let exchange = try #require(sink.exchanges.first)
                #expect(exchange.requestBytes == compressed)
                // Kept so that the replay can read the body.
                #expect(exchange.requestHeaders.contains { $0.name.lowercased() == "content-encoding" && $0.value == "gzip" })
            }
        }
    }

    @Test func chunkedAndGzippedAnswersPassThroughAndWritesAreCapturedReadable() async throws {
        let upstream = try FaultyServer(.chunked)
        defer { upstream.stop() }
        let sink = InMemoryCaptureSink()
        let source = ClusterConfiguration(role: "source", endpoints: [URL(string: upstream.httpURL)!])
        try await ProxyHarness.with(source: source, sink: sink) { proxy in
            try await RawHTTPConnection.with(port: proxy.port) { inbound, outbound in
                // A read streams through as the cluster sent it: chunked, compressed.
                var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/chunky/_search")
                head.headers.add(name: "Host", value: "proxy")
                head.headers.add(name: "Accept-Encoding", value: "gzip")
                try await outbound.write(.head(head))
                try await outbound.write(.end(nil))
                var read: HTTPResponseHead?
                var compressed: [UInt8] = []
                reading: while let part = try await inbound.next() {
                    switch part {
                    case .head(let received): read = received
                    case .body(let chunk): compressed += chunk.readableBytesView
                    case .end: break reading
                    }
                }
                #expect(read?.headers["content-encoding"] == ["gzip"])
                #expect(read?.headers["transfer-encoding"] == ["chunked"])
                let text = String(decoding: try Gzip.decompress(compressed), as: UTF8.self)
                #expect(text.contains(String(repeating: "x", count: 3000)))

                // A write's chunked answer is collected, recorded readable (the proxy asks for identity), and answered whole.
                try await RawHTTPConnection.write(.PUT, "/chunky/_doc/7", body: #"{"a":1}"#, to: outbound)
                let write = try await RawHTTPConnection.read(&inbound)
                #expect(write.head.status == .created && write.body.contains(#""_id": "7""#))
                #expect(write.head.headers["content-length"] == [String(write.body.utf8.count)])
            }
            #expect(sink.exchanges.first?.responseBody?.contains(#""result": "created""#) == true)
        }
    }

    @Test func aBulkBodyNearTheHundredMegabyteLimitIsForwardedAndCapturedWhole() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            try await ProxyHarness.with(source: server.configuration(role: "source"), sink: sink) { proxy in
                let filler = String(repeating: "y", count: 1 << 20)
                var bulk = ""
                bulk.reserveCapacity(97 << 20)
                for id in 0..<96 {
                    bulk += #"{"index":{"_index":"huge","_id":"\#(id)"}}"# + "\n" + #"{"blob":"\#(filler)"}"# + "\n"
                }
                #expect(bulk.utf8.count > 96 << 20 && bulk.utf8.count < 100 << 20)
                let answer = try await proxy.send(.POST, "/_bulk", body: bulk, contentType: "application/x-ndjson")
                #expect(answer.status == 200 && answer.json["errors"] as? Bool == false)
                #expect(sink.exchanges.first?.requestBytes.count == bulk.utf8.count)
                #expect(try await proxy.send(.POST, "/huge/_refresh").status == 200)
                let count = try await SearchClient.withClient(server.configuration(role: "test"), logger: Logger(label: "test")) {
                    try await $0.documentCount(index: "huge", query: nil)
                }
                #expect(count == 96)
            }
        }
    }

    // MARK: Helpers

    typealias RawInbound = NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    typealias RawOutbound = NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// A TCP connection that speaks bytes, for what an HTTP client library does for its user (`Expect: 100-continue`).
    static func withRawSocket<T: Sendable>(port: Int, _ body: (inout RawInbound, RawOutbound) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) {
            channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        return try await channel.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            return try await body(&iterator, outbound)
        }
    }

    /// Reads until the text received so far ends with `terminator`.
    static func readUntil(_ inbound: inout RawInbound, _ terminator: String) async throws -> String {
        var text = ""
        while !text.hasSuffix(terminator), let chunk = try await inbound.next() {
            text += String(buffer: chunk)
        }
        return text
    }
}
