import AsyncHTTPClient
import Capture
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TernCore
import TernTestSupport
import Testing

/// `tern compare-reads`: reads sent through a real capture proxy (in this process, with a read log in a real folder) to
/// a real osmem source, repeated by the built binary on a real osmem target holding the same documents under a new
/// index name.
@Suite struct CompareReadsCommandTests {
    static let documents: [(id: String, source: String)] = (1...12).map { id in
        (id: "\(id)", source: #"{"title":"book \#(id)","genre":"\#(["sf", "crime", "poetry"][id % 3])","pages":\#(id * 10)}"#)
    }

    /// Sends the reads of a dashboard through a proxy whose read log is `readLog`.
    static func logReads(source: OsmemServer, readLog: String) async throws {
        let writer = try CaptureLogWriter(directory: readLog)
        let proxy = try CaptureProxy(
            configuration: CaptureProxyConfiguration(source: source.configuration(role: "source"), adminToken: Secret("token")),
            sourceSink: InMemoryNullSink(), readLog: writer, logger: Logger(label: "proxy"))
        let port = try await proxy.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await proxy.run() }
            let reads: [(HTTPMethod, String, String?)] = [
                (.POST, "/books/_search", #"{"query":{"match":{"genre":"sf"}},"size":5}"#),
                (
                    .POST, "/books/_search",
                    #"{"size":0,"aggs":{"genres":{"terms":{"field":"genre.keyword"}},"pages":{"avg":{"field":"pages"}}}}"#
                ),
                (.GET, "/books/_count", nil),
                (.POST, "/_msearch", "{\"index\":\"books\"}\n{\"query\":{\"term\":{\"genre.keyword\":\"sf\"}}}\n"),
                (.GET, "/books/_doc/3", nil),
                (.GET, "/books/_doc/404", nil),
            ]
            do {
                for (method, uri, body) in reads {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(uri)")
                    request.method = method
                    if let body {
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: body))
                    }
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 16 << 20)
                }
                await proxy.shutdown()
                try await group.waitForAll()
            } catch {
                await proxy.shutdown()
                try? await group.waitForAll()
                throw error
            }
        }
        try await writer.close()
    }

    @Test("help teaches what, why, examples and exit codes")
    func help() async throws {
        let result = try await TernBinary.run(["compare-reads", "--help"])
        #expect(result.status == 0)
        for text in ["--read-log", "tern proxy --source http://old:9200 --read-log", "--rename", "Exit codes", "3 when the target"] {
            #expect(result.stdout.contains(text), "help lacks \(text)")
        }
        let proxy = try await TernBinary.run(["proxy", "serve", "--help"])
        #expect(proxy.stdout.contains("--read-log") && proxy.stdout.contains("--read-sample"))
    }

    @Test("the same documents answer alike (exit 0); one changed document on the target is a difference (exit 1)")
    func comparesWithTheTarget() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                try await source.seed(index: "books", documents: Self.documents)
                try await target.seed(index: "books-v2", documents: Self.documents)
                let readLog = folder.appendingPathComponent("reads").path
                try await Self.logReads(source: source, readLog: readLog)

                let arguments = [
                    "compare-reads", "--read-log", readLog, "--target", target.url.absoluteString, "--rename", "books:books-v2",
                ]
                let same = try await TernBinary.run(arguments)
                #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
                // The missing document's 404 is the source's answer, not something to compare.
                #expect(same.stdout.contains("compared        5 (equal 5, different 0)"), "\(same.stdout)")
                #expect(same.stdout.contains("source not 2xx 1"), "\(same.stdout)")

                // Without the rename the target has no such index: every read differs.
                let unrenamed = try await TernBinary.run(["compare-reads", "--read-log", readLog, "--target", target.url.absoluteString])
                #expect(unrenamed.status == 1, "\(unrenamed.stdout)\(unrenamed.stderr)")

                try await target.seed(index: "books-v2", documents: [("3", #"{"title":"book 3","genre":"western","pages":30}"#)])
                let changed = try await TernBinary.run(arguments + ["--json"])
                #expect(changed.status == 1, "\(changed.stdout)\(changed.stderr)")
                let report = try changed.decode(ReadComparisonReport.self)
                #expect(!report.ok)
                #expect(report.compared == 5)
                let samples = report.samples
                let document = samples.first { $0.path == "/books/_doc/3" }
                #expect(document?.targetPath == "/books-v2/_doc/3")
                #expect(document?.differences.first?.contains("_source differs in genre") == true, "\(samples)")
                let aggregation = samples.first { $0.differences.contains { $0.contains("genres") } }
                #expect(aggregation != nil, "\(samples)")
                let multiSearch = samples.first { $0.path == "/_msearch" }
                #expect(multiSearch?.differences.first?.hasPrefix("search 1: total hits: 4 on the source, 3") == true, "\(samples)")
            }
        }
    }

    @Test("no read log is a usage error (2); an unreachable target is exit code 3")
    func failures() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try await TernBinary.run([
            "compare-reads", "--read-log", folder.appendingPathComponent("nothing").path, "--target", "http://127.0.0.1:9",
        ])
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.contains("There is no read log"), "\(missing.stderr)")

        let readLog = folder.appendingPathComponent("reads").path
        try await CaptureLogWriter(directory: readLog).close()
        let unreachable = try await TernBinary.run(["compare-reads", "--read-log", readLog, "--target", "http://127.0.0.1:9"])
        #expect(unreachable.status == 3, "\(unreachable.stderr)")
    }
}

/// A write log for a proxy that only reads in these tests.
private struct InMemoryNullSink: CaptureSink {
    func nextExchange() -> UInt64 { 0 }
    func recordRequest(
        exchange: UInt64, timestampMillis: Int64, method: String, uri: String, headers: [(name: String, value: String)], body: ByteBuffer
    ) throws {}
    func recordResponse(
        exchange: UInt64, timestampMillis: Int64, status: Int, headers: [(name: String, value: String)], body: ByteBuffer,
        whenDurable: @escaping @Sendable (Result<Void, any Error>) -> Void
    ) { whenDurable(.success(())) }
}
