import Logging
import NIOHTTP1
import TernCore

/// `/_tern/proxy/...`: status, mode switch and metrics, on the client listener (index names cannot start with `_`).
struct AdminEndpoints: Sendable {
    static let prefix = "/_tern/"
    static let tokenHeader = "X-Tern-Token"

    let token: Secret
    let metricsRequireToken: Bool
    let modes: ModeController
    let metrics: ProxyMetrics
    let sourceSink: any CaptureSink
    let targetSink: (any CaptureSink)?
    let logger: Logger

    static func matches(_ request: ProxyRequest) -> Bool {
        request.path.hasPrefix(prefix) || request.path == "/_tern"
    }

    func respond(to request: ProxyRequest) -> ProxyResponse {
        let method = request.head.method
        switch request.path {
        case "/_tern/proxy/status":
            guard method == .GET else { return methodNotAllowed(request, allowed: "GET") }
            return authorized(request) ? status() : unauthorized()
        case "/_tern/proxy/mode":
            switch method {
            case .GET: return authorized(request) ? modeAnswer() : unauthorized()
            case .PUT, .POST: return authorized(request) ? changeMode(request) : unauthorized()
            default: return methodNotAllowed(request, allowed: "GET, PUT")
            }
        case "/_tern/proxy/metrics":
            guard method == .GET else { return methodNotAllowed(request, allowed: "GET") }
            guard !metricsRequireToken || authorized(request) else { return unauthorized() }
            return .text(
                metrics.prometheusText(mode: modes.mode, heldWritesNow: modes.heldWrites),
                contentType: "text/plain; version=0.0.4; charset=utf-8")
        default:
            return .error(
                .notFound, type: "tern_proxy_not_found",
                reason: "\(request.path) is not a Tern proxy endpoint; use /_tern/proxy/status, /_tern/proxy/mode or /_tern/proxy/metrics.")
        }
    }

    private func status() -> ProxyResponse {
        let stats = metrics.snapshot(heldWritesNow: modes.heldWrites)
        var body: [String: JSONValue] = [
            "mode": .string(modes.mode.rawValue),
            "counters": .object([
                "requests": .int(Int64(stats.requests)),
                "reads": .int(Int64(stats.reads)),
                "writes_captured": .int(Int64(stats.writesCaptured)),
                "writes_uncaptured": .int(Int64(stats.writesUncaptured)),
                "errors": .int(Int64(stats.errors)),
                "upstream_failures": .int(Int64(stats.upstreamFailures)),
                "capture_failures": .int(Int64(stats.captureFailures)),
                "writes_held": .int(Int64(stats.writesHeld)),
                "hold_timeouts": .int(Int64(stats.holdTimeouts)),
                "reads_logged": .int(Int64(stats.readsLogged)),
                "read_log_failures": .int(Int64(stats.readLogFailures)),
            ]),
            "held_writes": .int(Int64(stats.heldWritesNow)),
            "in_flight": .int(Int64(stats.inFlight)),
            "in_flight_writes": .int(Int64(stats.inFlightWrites)),
        ]
        var positions: [String: JSONValue] = [:]
        if let position = sourceSink.positionDescription { positions["source"] = .string(position) }
        if let position = targetSink?.positionDescription { positions["target"] = .string(position) }
        if !positions.isEmpty { body["capture_position"] = .object(positions) }
        var syncs: [String: JSONValue] = [:]
        for (side, sink) in [("source", sourceSink), ("target", targetSink)] {
            guard let statistics = sink?.syncStatistics else { continue }
            syncs[side] = .object(["records": .int(Int64(statistics.records)), "fsyncs": .int(Int64(statistics.syncs))])
        }
        if !syncs.isEmpty { body["capture_syncs"] = .object(syncs) }
        return .json(.ok, .object(body))
    }

    private func modeAnswer() -> ProxyResponse {
        .json(.ok, .object(["mode": .string(modes.mode.rawValue)]))
    }

    private func changeMode(_ request: ProxyRequest) -> ProxyResponse {
        let names = ProxyMode.allCases.map(\.rawValue).joined(separator: ", ")
        guard let json = try? JSONValue.parse(request.body.readableBytesView), let name = json["mode"]?.stringValue else {
            return .error(
                .badRequest, type: "tern_proxy_bad_request", reason: #"Send a JSON body like {"mode":"hold-writes"}; modes: \#(names)."#)
        }
        guard let mode = ProxyMode(rawValue: name) else {
            return .error(.badRequest, type: "tern_proxy_bad_request", reason: "'\(name)' is not a proxy mode; use one of \(names).")
        }
        do {
            let previous = try modes.setMode(mode)
            logger.notice("proxy mode changed", metadata: ["from": "\(previous)", "to": "\(mode)"])
            return .json(.ok, .object(["mode": .string(mode.rawValue), "previous": .string(previous.rawValue)]))
        } catch let error as TernError {
            return .error(.conflict, type: "tern_proxy_mode_unavailable", reason: error.message)
        } catch {
            return .error(.internalServerError, type: "tern_proxy_error", reason: "The mode could not be changed: \(error).")
        }
    }

    private func authorized(_ request: ProxyRequest) -> Bool {
        guard let given = request.head.headers.first(name: Self.tokenHeader) else { return false }
        return Self.constantTimeEquals(Array(given.utf8), Array(token.value.utf8))
    }

    /// Compares without an early exit, so the time taken does not reveal how much of a guessed token was right.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        if lhs.count != rhs.count { difference |= 1 }
        let length = max(lhs.count, rhs.count)
        for index in 0..<length {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0 && !rhs.isEmpty
    }

    private func unauthorized() -> ProxyResponse {
        .error(
            .unauthorized, type: "tern_proxy_unauthorized",
            reason: "The Tern proxy admin endpoints need the header \(Self.tokenHeader) with the admin token given at startup.")
    }

    private func methodNotAllowed(_ request: ProxyRequest, allowed: String) -> ProxyResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Allow", value: allowed)
        return .error(
            .methodNotAllowed, type: "tern_proxy_method_not_allowed",
            reason: "\(request.head.method.rawValue) \(request.path) is not supported; use \(allowed).",
            headers: headers)
    }
}
