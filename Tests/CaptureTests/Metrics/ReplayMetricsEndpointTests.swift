import Foundation
import TernCore
import Testing

@testable import Capture

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `tern replay --metrics-listen`: the endpoint on a free port, scraped over a real socket as Prometheus would.
@Suite struct ReplayMetricsEndpointTests {
    struct Scrape {
        var status: Int
        var contentType: String
        var body: String

        /// The sample of `name` (no labels), nil when absent.
        func value(_ name: String) -> String? {
            body.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map { String($0.dropFirst(name.count + 1)) }
        }
    }

    static func scrape(_ url: String, method: String = "GET") async throws -> Scrape {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return Scrape(
            status: http?.statusCode ?? 0, contentType: http?.value(forHTTPHeaderField: "Content-Type") ?? "",
            body: String(decoding: data, as: UTF8.self))
    }

    @Test func servesTheLatestProgressOnAFreePort() async throws {
        let metrics = ReplayMetrics()
        let endpoint = try await MetricsEndpoint.start(host: "127.0.0.1", port: 0, render: metrics.prometheusText)
        #expect(endpoint.port > 0)
        #expect(endpoint.url == "http://127.0.0.1:\(endpoint.port)/metrics")

        let before = try await Self.scrape(endpoint.url)
        #expect(before.status == 200)
        #expect(before.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(before.value("tern_replay_exchanges_applied_total") == "0")
        #expect(before.body.contains("# TYPE tern_replay_exchanges_applied_total counter"))
        #expect(before.body.contains("# TYPE tern_replay_lag_seconds gauge"))
        #expect(before.value("tern_replay_last_write_timestamp_seconds") == nil, "no write applied yet")

        var progress = ReplayProgress(captureDirectory: "/w/capture", target: "http://new:9200", segment: 3, offset: 4096)
        progress.exchanges = 12
        progress.written = 20
        progress.deleted = 4
        progress.alreadyNewer = 2
        progress.reread = 3
        progress.admin = 1
        progress.failed = 1
        progress.lagRecords = 7
        progress.lagSeconds = 1.5
        progress.lastWriteMillis = 1_700_000_000_250
        metrics.record(progress)

        let after = try await Self.scrape(endpoint.url)
        let expected: [(String, String)] = [
            ("tern_replay_exchanges_applied_total", "12"), ("tern_replay_documents_written_total", "20"),
            ("tern_replay_documents_deleted_total", "4"), ("tern_replay_documents_already_newer_total", "2"),
            ("tern_replay_documents_reread_total", "3"), ("tern_replay_admin_calls_total", "1"), ("tern_replay_failed_total", "1"),
            ("tern_replay_lag_records", "7"), ("tern_replay_lag_seconds", "1.500000"), ("tern_replay_position_segment", "3"),
            ("tern_replay_position_offset_bytes", "4096"), ("tern_replay_last_write_timestamp_seconds", "1700000000.250000"),
        ]
        for (name, value) in expected { #expect(after.value(name) == value, "\(name) in \(after.body)") }

        progress.exchanges = 13
        metrics.record(progress)
        #expect(try await Self.scrape(endpoint.url).value("tern_replay_exchanges_applied_total") == "13")

        let elsewhere = try await Self.scrape("http://127.0.0.1:\(endpoint.port)/other")
        #expect(elsewhere.status == 404)
        #expect(try await Self.scrape(endpoint.url, method: "POST").status == 405)

        await endpoint.close()
        await #expect(throws: (any Error).self) { try await Self.scrape(endpoint.url) }
    }

    @Test func anAddressInUseIsAConfigurationError() async throws {
        let first = try await MetricsEndpoint.start(host: "127.0.0.1", port: 0) { "" }
        let error = await #expect(throws: TernError.self) {
            try await MetricsEndpoint.start(host: "127.0.0.1", port: first.port) { "" }
        }
        #expect(error?.message.contains("in use") == true, "\(String(describing: error?.message))")
        #expect(error?.exitCode == .usage)
        await first.close()
    }

    @Test func savedTotalsShowBeforeTheFirstStep() {
        var saved = ReplayProgress(captureDirectory: "/w/capture", target: "http://new:9200", segment: 9, offset: 10)
        saved.written = 5000
        let text = ReplayMetrics(initial: saved).prometheusText()
        #expect(text.contains("tern_replay_documents_written_total 5000\n"))
        #expect(text.contains("tern_replay_position_segment 9\n"))
    }
}
