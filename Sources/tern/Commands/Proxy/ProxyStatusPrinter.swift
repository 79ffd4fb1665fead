import TernCore

/// `tern proxy status` for people.
struct ProxyStatusPrinter {
    /// The proxy's address, for the heading.
    let proxy: String
    /// The proxy's `/_tern/proxy/status` answer.
    let status: JSONValue

    func human() -> String {
        func count(_ path: String) -> Int64 { status.value(at: path)?.intValue ?? 0 }
        let mode = status["mode"]?.stringValue ?? "unknown"
        var lines = ["Proxy at \(proxy): \(mode) mode"]
        lines.append(
            "  requests        \(count("counters.requests")) (reads \(count("counters.reads")), writes captured \(count("counters.writes_captured")), writes uncaptured \(count("counters.writes_uncaptured")))"
        )
        lines.append(
            "  errors          \(count("counters.errors")) (upstream failures \(count("counters.upstream_failures")), capture failures \(count("counters.capture_failures")))"
        )
        lines.append(
            "  held writes     \(count("held_writes")) now (held so far \(count("counters.writes_held")), timed out \(count("counters.hold_timeouts")))"
        )
        if count("counters.reads_logged") + count("counters.read_log_failures") > 0 {
            lines.append(
                "  read log        \(count("counters.reads_logged")) reads logged (failures \(count("counters.read_log_failures")))")
        }
        lines.append("  in flight       \(count("in_flight")) requests, \(count("in_flight_writes")) of them writes")
        for side in ["source", "target"] {
            if let position = status.value(at: "capture_position.\(side)")?.stringValue {
                lines.append("  \(side) log      \(position)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
