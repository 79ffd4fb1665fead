import NIOCore
import Testing

@testable import Capture

@Suite struct CaptureLogSinkTests {
    @Test func theWriterServesAsTheProxySink() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try CaptureLogWriter(directory: folder.path)
        let sink: any CaptureSink = writer
        let exchange = sink.nextExchange()
        try sink.recordRequest(
            exchange: exchange, timestampMillis: 1, method: "PUT", uri: "/books/_doc/1",
            headers: [("Content-Type", "application/json"), ("Authorization", "Basic c2VjcmV0"), ("X-Opaque-Id", "job-7")],
            body: ByteBuffer(string: #"{"a":1}"#))
        let fsyncsBefore = writer.stats.fsyncs
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            sink.recordResponse(
                exchange: exchange, timestampMillis: 2, status: 201, headers: [("content-encoding", "gzip")], body: ByteBuffer(string: "{}")
            ) { continuation.resume(with: $0) }
        }
        // The response completes only once a sync covered it (and the request record written before it).
        #expect(writer.stats.fsyncs > fsyncsBefore)
        #expect(sink.positionDescription == writer.stats.end.description)
        try await writer.close()

        let records = try CaptureLogReader(directory: folder.path).records()
        #expect(records.map(\.kind) == [.request, .response])
        #expect(records[0].headers == [CaptureHeader(name: "Content-Type", value: "application/json")])
        #expect(records[0].body == Array(#"{"a":1}"#.utf8))
        #expect(records[1].header("Content-Encoding") == "gzip")
        #expect(records[1].status == 201)
    }
}
