import Capture
import Foundation
import Logging
import NIOHTTP1
import TernCore
import TernTestSupport
import Testing

/// `tern proxy --read-log`: reads the source answers recorded in a log of their own, over real sockets in front of a
/// real osmem-server; writes never, and a read log that cannot be written never costs a read.
@Suite struct ReadLogOsmemTests {
    /// The records of a closed read log, in order.
    private static func records(_ folder: TemporaryFolder) throws -> [CaptureRecord] {
        try CaptureLogReader(directory: folder.path).readToEnd(treatIncompleteTailAsDamage: true).entries.map(\.record)
    }

    @Test func recordsSearchesCountsAndGetsWithTheSourceAnswersButNotWrites() async throws {
        try await OsmemServer.with { server in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let readLog = try CaptureLogWriter(directory: folder.path)
            let sink = InMemoryCaptureSink()
            var answers: [String] = []
            try await ProxyHarness.with(source: server.configuration(role: "source"), sink: sink, readLog: readLog) { proxy in
                #expect(try await proxy.send(.PUT, "/books/_doc/1?refresh=true", body: #"{"title":"one"}"#).status == 201)
                let search = try await proxy.send(.POST, "/books/_search", body: #"{"query":{"match_all":{}}}"#)
                let document = try await proxy.send(.GET, "/books/_doc/1")
                let count = try await proxy.send(.GET, "/books/_count")
                #expect(search.status == 200 && document.status == 200 && count.status == 200)
                answers = [search.body, document.body, count.body]
                // Not comparable reads: passed through, not recorded.
                #expect(try await proxy.send(.HEAD, "/books").status == 200)
                #expect(try await proxy.send(.POST, "/books/_refresh").status == 200)
                #expect(try await proxy.send(.GET, "/_cluster/health").status == 200)

                let stats = proxy.proxy.statistics
                #expect(stats.readsLogged == 3 && stats.readLogFailures == 0 && stats.writesCaptured == 1)
                let status = try await proxy.admin(.GET, "/_tern/proxy/status")
                #expect((status.json["counters"] as? [String: Any])?["reads_logged"] as? Int == 3)
                let metrics = try await proxy.send(.GET, "/_tern/proxy/metrics")
                #expect(metrics.body.contains("tern_proxy_reads_logged_total 3"))
            }
            try await readLog.close()

            // The write log has the writes only; the read log the reads only, each request followed by its answer.
            #expect(sink.exchanges.map(\.uri) == ["/books/_doc/1?refresh=true"])
            let records = try Self.records(folder)
            #expect(records.map(\.kind) == [.request, .response, .request, .response, .request, .response])
            #expect(
                records.filter { $0.kind == .request }.map { "\($0.method) \($0.target)" } == [
                    "POST /books/_search", "GET /books/_doc/1", "GET /books/_count",
                ])
            #expect(records[1].exchange == records[0].exchange && records[1].status == 200)
            #expect(String(decoding: records[0].body, as: UTF8.self) == #"{"query":{"match_all":{}}}"#)
            let recorded = records.filter { $0.kind == .response }.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(recorded == answers)
            #expect(recorded[1].contains(#""title":"one""#))
        }
    }

    @Test func recordsALargeAnswerWithoutItsBody() async throws {
        try await OsmemServer.with { server in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let readLog = try CaptureLogWriter(directory: folder.path)
            try await server.seed(
                index: "big", documents: (1...20).map { ("\($0)", #"{"text":"\#(String(repeating: "y", count: 200))"}"#) })
            try await ProxyHarness.with(
                source: server.configuration(role: "source"), sink: InMemoryCaptureSink(), readLog: readLog,
                settings: [.readLogMaxBodyBytes(1000)]
            ) { proxy in
                let search = try await proxy.send(.GET, "/big/_search?size=20")
                #expect(search.status == 200 && search.body.utf8.count > 1000)
                #expect((search.json["hits"] as? [String: Any])?["hits"] as? [Any] != nil)
            }
            try await readLog.close()
            let response = try #require(try Self.records(folder).last)
            #expect(response.kind == .response && response.status == 200 && response.body.isEmpty)
            #expect(response.header("X-Tern-Body-Omitted") == "true")
        }
    }

    @Test func aReadLogThatCannotBeWrittenNeverFailsTheRead() async throws {
        try await OsmemServer.with { server in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try await server.seed(index: "books", documents: [("1", #"{"title":"one"}"#)])
            // Full from the start: every append is refused.
            let readLog = try CaptureLogWriter(directory: folder.path, options: CaptureLogOptions(maxTotalBytes: 1))
            let log = CapturedLog()
            try await ProxyHarness.with(
                source: server.configuration(role: "source"), sink: InMemoryCaptureSink(), readLog: readLog, logger: log.logger
            ) { proxy in
                for _ in 0..<3 {
                    let search = try await proxy.send(.POST, "/books/_search", body: #"{"query":{"match_all":{}}}"#)
                    #expect(search.status == 200)
                    #expect(search.body.contains(#""title":"one""#))
                }
                #expect(try await proxy.send(.GET, "/books/_doc/1").json["found"] as? Bool == true)
                let stats = proxy.proxy.statistics
                #expect(stats.readsLogged == 0 && stats.readLogFailures == 4 && stats.errors == 0)
            }
            try await readLog.close()
            // Warned once, not once per read.
            #expect(log.text.components(separatedBy: "read log write failed").count - 1 == 1, "\(log.text)")
        }
    }
}
