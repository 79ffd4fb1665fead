import Foundation

extension ProxyMetrics {
    /// The metrics in the Prometheus text exposition format (version 0.0.4).
    func prometheusText(mode: ProxyMode, heldWritesNow: Int) -> String {
        let stats = snapshot(heldWritesNow: heldWritesNow)
        var text = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { text += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        func counter(_ name: String, _ help: String, _ value: Int) {
            metric(name, "counter", help, [("", String(value))])
        }
        func gauge(_ name: String, _ help: String, _ value: Int) {
            metric(name, "gauge", help, [("", String(value))])
        }
        counter("tern_proxy_requests_total", "Client requests handled (admin endpoints excluded).", stats.requests)
        counter("tern_proxy_reads_total", "Requests passed through without capture.", stats.reads)
        counter("tern_proxy_writes_captured_total", "Writes recorded durably in a capture log.", stats.writesCaptured)
        counter("tern_proxy_writes_uncaptured_total", "Writes forwarded without a complete capture record.", stats.writesUncaptured)
        counter("tern_proxy_errors_total", "Error answers produced by the proxy itself (413, 502, 503).", stats.errors)
        counter("tern_proxy_upstream_failures_total", "Requests the upstream cluster did not answer.", stats.upstreamFailures)
        counter("tern_proxy_capture_failures_total", "Capture records that could not be written.", stats.captureFailures)
        counter("tern_proxy_writes_held_total", "Writes that waited while writes were held.", stats.writesHeld)
        counter("tern_proxy_hold_timeouts_total", "Held writes answered 503 after the hold timeout.", stats.holdTimeouts)
        counter("tern_proxy_reads_logged_total", "Reads recorded with their answer in the read log.", stats.readsLogged)
        counter("tern_proxy_read_log_failures_total", "Read log records that could not be written.", stats.readLogFailures)
        gauge("tern_proxy_held_writes", "Writes waiting now.", stats.heldWritesNow)
        gauge("tern_proxy_in_flight_requests", "Client requests being handled now.", stats.inFlight)
        gauge("tern_proxy_in_flight_writes", "Captured writes between capture and answer now.", stats.inFlightWrites)
        metric(
            "tern_proxy_mode", "gauge", "The current mode (1 for the active one).",
            ProxyMode.allCases.map { (#"{mode="\#($0.rawValue)"}"#, $0 == mode ? "1" : "0") })
        let latency = latencySummary(quantiles: [0.5, 0.99])
        metric(
            "tern_proxy_upstream_latency_seconds", "summary", "Time from forwarding a request to the upstream's response head.",
            [
                (#"{quantile="0.5"}"#, format(latency.values[0])), (#"{quantile="0.99"}"#, format(latency.values[1])),
            ])
        text += "tern_proxy_upstream_latency_seconds_sum \(format(latency.sum))\n"
        text += "tern_proxy_upstream_latency_seconds_count \(latency.count)\n"
        return text
    }

    private func format(_ value: Double) -> String {
        String(format: "%.6f", value)
    }
}
