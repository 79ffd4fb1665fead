import Capture
import Foundation
import Logging
import TernCore
import TernTestSupport
import Testing

/// The admin endpoints under /_tern/proxy and startup errors.
@Suite struct CaptureProxyAdminTests {
    private func deadSource() throws -> ClusterConfiguration {
        ClusterConfiguration(role: "source", endpoints: [URLHelper.url("http://127.0.0.1:\(try FaultyServer.closedPort())")])
    }

    @Test func statusAndModeRequireTheToken() async throws {
        try await ProxyHarness.with(source: try deadSource(), sink: InMemoryCaptureSink()) { proxy in
            #expect(try await proxy.send(.GET, "/_tern/proxy/status").status == 401)
            #expect(try await proxy.send(.GET, "/_tern/proxy/status", headers: [("X-Tern-Token", "wrong")]).status == 401)
            let refused = try await proxy.send(.PUT, "/_tern/proxy/mode", body: #"{"mode":"hold-writes"}"#)
            #expect(refused.status == 401)
            #expect(proxy.proxy.mode == .source)

            let status = try await proxy.admin(.GET, "/_tern/proxy/status")
            #expect(status.status == 200)
            #expect(status.json["mode"] as? String == "source")
            let counters = try #require(status.json["counters"] as? [String: Any])
            for key in ["requests", "writes_captured", "reads", "errors", "capture_failures"] { #expect(counters[key] as? Int == 0) }
            #expect(status.json["held_writes"] as? Int == 0 && status.json["in_flight"] as? Int == 0)
            #expect((status.json["capture_position"] as? [String: Any])?["source"] as? String == "memory:0")

            #expect(try await proxy.admin(.PUT, "/_tern/proxy/mode", body: #"{"mode":"hold-writes"}"#).status == 200)
            #expect(try await proxy.admin(.GET, "/_tern/proxy/mode").json["mode"] as? String == "hold-writes")
            #expect(try await proxy.admin(.GET, "/_tern/proxy/nothing").status == 404)
            #expect(try await proxy.admin(.DELETE, "/_tern/proxy/status").status == 405)
        }
    }

    @Test func metricsAreValidPrometheusText() async throws {
        try await ProxyHarness.with(source: try deadSource(), sink: InMemoryCaptureSink()) { proxy in
            _ = try await proxy.send(.GET, "/books/_search")
            let metrics = try await proxy.send(.GET, "/_tern/proxy/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers.first(name: "Content-Type")?.hasPrefix("text/plain") == true)
            let samples = try Self.parsePrometheus(metrics.body)
            #expect(samples["tern_proxy_requests_total"] == 1)
            #expect(samples["tern_proxy_upstream_failures_total"] == 1)
            #expect(samples[#"tern_proxy_mode{mode="source"}"#] == 1)
            #expect(samples[#"tern_proxy_mode{mode="target"}"#] == 0)
            #expect(samples[#"tern_proxy_upstream_latency_seconds{quantile="0.99"}"#] != nil)
            #expect(samples["tern_proxy_in_flight_requests"] == 0)
        }
    }

    @Test func metricsCanRequireTheToken() async throws {
        try await ProxyHarness.with(source: try deadSource(), sink: InMemoryCaptureSink(), settings: [.metricsRequireToken]) {
            proxy async throws in
            #expect(try await proxy.send(.GET, "/_tern/proxy/metrics").status == 401)
            #expect(try await proxy.admin(.GET, "/_tern/proxy/metrics").status == 200)
        }
    }

    @Test func addressInUseIsAConfigurationError() async throws {
        try await ProxyHarness.with(source: try deadSource(), sink: InMemoryCaptureSink()) { running in
            let configuration = CaptureProxyConfiguration(port: running.port, source: try deadSource(), adminToken: Secret("t"))
            let second = try CaptureProxy(configuration: configuration, sourceSink: InMemoryCaptureSink(), logger: Logger(label: "test"))
            do {
                try await second.start()
                await second.shutdown()
                Issue.record("a second proxy bound the same port")
            } catch let error as TernError {
                #expect(error.exitCode == .usage)
                #expect(error.message.contains("in use"))
            }
        }
    }

    @Test func unreadableListenerCertificateIsAConfigurationError() throws {
        var configuration = CaptureProxyConfiguration(source: try deadSource(), adminToken: Secret("t"))
        configuration.listenerTLS = .init(certificateFile: "/nonexistent/cert.pem", keyFile: "/nonexistent/key.pem")
        #expect {
            _ = try CaptureProxy(configuration: configuration, sourceSink: InMemoryCaptureSink(), logger: Logger(label: "test"))
        } throws: { error in
            (error as? TernError)?.exitCode == .usage && (error as? TernError)?.message.contains("cert.pem") == true
        }
    }

    @Test func targetWithoutTargetLogIsAConfigurationError() throws {
        let configuration = CaptureProxyConfiguration(source: try deadSource(), target: try deadSource(), adminToken: Secret("t"))
        #expect(throws: TernError.self) {
            _ = try CaptureProxy(configuration: configuration, sourceSink: InMemoryCaptureSink(), logger: Logger(label: "test"))
        }
    }

    /// Parses the text exposition format strictly enough to catch malformed lines: `name{labels} value` or comments.
    static func parsePrometheus(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        let sample =
            /^([a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})?) (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$/
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") { continue }
            let match = try #require(try sample.wholeMatch(in: String(line)), "malformed metrics line: \(line)")
            samples[String(match.output.1)] = Double(match.output.4)
        }
        return samples
    }
}
