import Capture
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SearchClient
import TernCore
import TernTestSupport
import Testing

/// The proxy in front of a real osmem-server over real sockets: writes captured and applied, reads passed through.
@Suite struct CaptureProxyOsmemTests {
    @Test func capturesWritesThatLandInTheSource() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            let log = CapturedLog()
            try await ProxyHarness.with(source: server.configuration(role: "source"), sink: sink, logger: log.logger) { proxy in
                let credentials = [("Authorization", "Basic dXNlcjpodW50ZXIy")]
                #expect(try await proxy.send(.PUT, "/books", body: #"{"settings":{"number_of_shards":1}}"#).status == 200)
                let indexed = try await proxy.send(.PUT, "/books/_doc/1", body: #"{"title":"one"}"#, headers: credentials)
                #expect(indexed.status == 201)
                let generated = try await proxy.send(.POST, "/books/_doc", body: #"{"title":"auto"}"#)
                #expect(generated.status == 201)
                let generatedID = try #require(generated.json["_id"] as? String)
                #expect(try await proxy.send(.POST, "/books/_update/1", body: #"{"doc":{"title":"uno"}}"#).status == 200)
                let bulk = """
                    {"index":{"_index":"books","_id":"2"}}
                    {"title":"two"}
                    {"index":{"_index":"books","_id":"3"}}
                    {"title":"three"}
                    {"delete":{"_index":"books","_id":"2"}}

                    """
                let bulkAnswer = try await proxy.send(.POST, "/_bulk", body: bulk, contentType: "application/x-ndjson")
                #expect(bulkAnswer.status == 200 && bulkAnswer.json["errors"] as? Bool == false)
                #expect(try await proxy.send(.DELETE, "/books/_doc/3").status == 200)

                // Reads pass through without capture, POST searches included.
                let writes = sink.exchanges.count
                #expect(try await proxy.send(.GET, "/books/_doc/1").json["found"] as? Bool == true)
                #expect(try await proxy.send(.POST, "/books/_refresh").status == 200)
                let search = try await proxy.send(.POST, "/books/_search", body: #"{"query":{"match_all":{}}}"#)
                #expect(search.status == 200)
                #expect(try await proxy.send(.HEAD, "/books").status == 200)
                #expect(sink.exchanges.count == writes)

                let documents = try await server.documents(in: "books")
                #expect(Set(documents.keys) == ["1", generatedID])
                #expect(documents["1"]?.canonicalSource == #"{"title":"uno"}"#)

                let exchanges = sink.exchanges
                #expect(exchanges.map(\.method) == ["PUT", "PUT", "POST", "POST", "POST", "DELETE"])
                #expect(exchanges.map(\.uri) == ["/books", "/books/_doc/1", "/books/_doc", "/books/_update/1", "/_bulk", "/books/_doc/3"])
                #expect(exchanges.map(\.status) == [200, 201, 201, 200, 200, 200])
                #expect(exchanges[1].requestBody == #"{"title":"one"}"#)
                #expect(exchanges[4].requestBody == bulk)
                #expect(exchanges[2].responseBody?.contains(#""_id":"\#(generatedID)""#) == true)
                #expect(exchanges[4].responseBody?.contains(#""errors":false"#) == true)
                #expect(exchanges.allSatisfy { $0.requestHeaders.allSatisfy { $0.name.lowercased() != "authorization" } })
                #expect(exchanges[1].requestHeaders.contains { $0.name.lowercased() == "content-type" })

                let stats = proxy.proxy.statistics
                #expect(stats.writesCaptured == 6 && stats.reads == 4 && stats.requests == 10 && stats.captureFailures == 0)
                #expect(stats.inFlight == 0 && stats.inFlightWrites == 0)
            }
            #expect(!log.text.contains("dXNlcjpodW50ZXIy") && !log.text.contains("s3cret"))
        }
    }

    @Test func chunkedRequestBodyIsAggregated() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            try await ProxyHarness.with(source: server.configuration(role: "source"), sink: sink) { proxy in
                let answer = try await RawHTTPConnection.with(port: proxy.port) { inbound, outbound in
                    var head = HTTPRequestHead(version: .http1_1, method: .PUT, uri: "/chunks/_doc/c1")
                    head.headers.add(name: "Host", value: "proxy")
                    head.headers.add(name: "Content-Type", value: "application/json")
                    head.headers.add(name: "Transfer-Encoding", value: "chunked")
                    try await outbound.write(.head(head))
                    for piece in [#"{"title":"#, #""in three "#, #"pieces"}"#] {
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(string: piece))))
                    }
                    try await outbound.write(.end(nil))
                    return try await RawHTTPConnection.read(&inbound)
                }
                #expect(answer.head.status == .created)
                #expect(sink.exchanges.first?.requestBody == #"{"title":"in three pieces"}"#)
                #expect(!(sink.exchanges.first?.requestHeaders.contains { $0.name.lowercased() == "transfer-encoding" } ?? true))
                #expect(try await server.documents(in: "chunks")["c1"]?.canonicalSource == #"{"title":"in three pieces"}"#)
            }
        }
    }

    @Test func largeBulkBodyPassesThrough() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            try await ProxyHarness.with(source: server.configuration(role: "source"), sink: sink) { proxy in
                let filler = String(repeating: "x", count: 100 * 1024)
                var bulk = ""
                for id in 0..<52 {
                    bulk += #"{"index":{"_index":"big","_id":"\#(id)"}}"# + "\n" + #"{"blob":"\#(filler)"}"# + "\n"
                }
                #expect(bulk.utf8.count > 5 << 20)
                let answer = try await proxy.send(.POST, "/_bulk", body: bulk, contentType: "application/x-ndjson")
                #expect(answer.status == 200 && answer.json["errors"] as? Bool == false)
                #expect(sink.exchanges.first?.requestBody.utf8.count == bulk.utf8.count)
                #expect(try await server.documents(in: "big").count == 52)
            }
        }
    }

    @Test func keepsOneConnectionAliveAndAnswersPipelinedRequestsInOrder() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            try await ProxyHarness.with(source: server.configuration(role: "source"), sink: sink) { proxy in
                try await RawHTTPConnection.with(port: proxy.port) { inbound, outbound in
                    for id in 0..<30 {
                        try await RawHTTPConnection.write(.PUT, "/alive/_doc/\(id)", body: #"{"n":\#(id)}"#, to: outbound)
                        let write = try await RawHTTPConnection.read(&inbound)
                        #expect(write.head.status == .created)
                        try await RawHTTPConnection.write(.GET, "/alive/_doc/\(id)", to: outbound)
                        let read = try await RawHTTPConnection.read(&inbound)
                        #expect(read.head.status == .ok && read.body.contains(#""n":\#(id)"#))
                    }
                    // Pipelined: three requests written before any answer is read.
                    for id in [3, 7, 11] { try await RawHTTPConnection.write(.GET, "/alive/_doc/\(id)", to: outbound) }
                    for id in [3, 7, 11] {
                        let answer = try await RawHTTPConnection.read(&inbound)
                        #expect(answer.body.contains(#""_id":"\#(id)""#))
                    }
                }
                #expect(sink.exchanges.count == 30)
                #expect(proxy.proxy.statistics.reads == 33)
            }
        }
    }

    @Test func failingCaptureLogRejectsTheWriteBeforeItReachesTheSource() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            try await ProxyHarness.with(source: server.configuration(role: "source"), sink: sink) { proxy in
                #expect(try await proxy.send(.PUT, "/guarded", body: "{}").status == 200)
                sink.setFailing(true)
                let answer = try await proxy.send(.PUT, "/guarded/_doc/1", body: #"{"lost":false}"#)
                #expect(answer.status == 503)
                let reason = ((answer.json["error"] as? [String: Any])?["reason"] as? String) ?? ""
                #expect(reason.contains("capture log could not be written"))
                #expect(reason.contains("no space left on device"))
                // Reads do not need the log.
                #expect(try await proxy.send(.GET, "/guarded/_search").status == 200)
                let direct = try await SearchClient.withClient(server.configuration(role: "test"), logger: Logger(label: "test")) {
                    try await $0.send(.GET, "/guarded/_doc/1")
                }
                #expect(direct.status == 404)
                let stats = proxy.proxy.statistics
                #expect(stats.captureFailures == 1 && stats.writesCaptured == 1 && stats.errors == 1)
            }
        }
    }

    @Test func forwardUncapturedPolicyForwardsAndSaysSoLoudly() async throws {
        try await OsmemServer.with { server in
            let sink = InMemoryCaptureSink()
            let log = CapturedLog()
            try await ProxyHarness.with(
                source: server.configuration(role: "source"), sink: sink, logger: log.logger,
                settings: [.onCaptureFailure(.forwardUncaptured)]
            ) { proxy async throws in
                sink.setFailing(true)
                #expect(try await proxy.send(.PUT, "/open/_doc/1", body: #"{"a":1}"#).status == 201)
                let stats = proxy.proxy.statistics
                #expect(stats.captureFailures == 1 && stats.writesUncaptured == 1 && stats.writesCaptured == 0)
            }
            #expect(try await server.documents(in: "open").count == 1)
            #expect(log.text.contains("CAPTURE LOG WRITE FAILED"))
        }
    }

    @Test func sourceDownAnswers502AndRecordsAnUnknownOutcome() async throws {
        let dead = try FaultyServer.closedPort()
        let sink = InMemoryCaptureSink()
        let source = ClusterConfiguration(
            role: "source", endpoints: [URLHelper.url("http://127.0.0.1:\(dead)")], timeouts: Timeouts(connect: .seconds(2)))
        try await ProxyHarness.with(source: source, sink: sink) { proxy in
            let write = try await proxy.send(.PUT, "/books/_doc/1", body: #"{"a":1}"#)
            #expect(write.status == 502)
            #expect((write.json["error"] as? [String: Any])?["type"] as? String == "tern_proxy_upstream_unreachable")
            #expect(sink.exchanges.count == 1)
            #expect(sink.exchanges.first?.status == 0)
            #expect(try await proxy.send(.GET, "/books/_search").status == 502)
            #expect(proxy.proxy.statistics.upstreamFailures == 2)
        }
    }

    @Test func bodiesOverTheLimitGet413() async throws {
        let dead = try FaultyServer.closedPort()
        let sink = InMemoryCaptureSink()
        let source = ClusterConfiguration(role: "source", endpoints: [URLHelper.url("http://127.0.0.1:\(dead)")])
        try await ProxyHarness.with(source: source, sink: sink, settings: [.maxRequestBodyBytes(1024)]) { proxy in
            let answer = try await RawHTTPConnection.with(port: proxy.port) { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/_bulk")
                head.headers.add(name: "Content-Length", value: "4096")
                head.headers.add(name: "Expect", value: "100-continue")
                try await outbound.write(.head(head))
                return try await RawHTTPConnection.read(&inbound)
            }
            #expect(answer.head.status == .payloadTooLarge)
            #expect(answer.body.contains("tern_proxy_request_too_large"))
            #expect(sink.exchanges.isEmpty)
        }
    }
}
