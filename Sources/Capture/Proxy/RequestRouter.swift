import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import TernCore

/// Decides what happens to one client request: admin endpoint, read passed through, or write captured then forwarded.
final class RequestRouter: Sendable {
    private let configuration: CaptureProxyConfiguration
    private let modes: ModeController
    private let metrics: ProxyMetrics
    private let source: UpstreamCluster
    private let target: UpstreamCluster?
    private let sourceSink: any CaptureSink
    private let targetSink: (any CaptureSink)?
    private let readRecorder: ReadRecorder?
    private let admin: AdminEndpoints
    private let logger: Logger

    init(
        configuration: CaptureProxyConfiguration, modes: ModeController, metrics: ProxyMetrics, source: UpstreamCluster,
        target: UpstreamCluster?, sourceSink: any CaptureSink, targetSink: (any CaptureSink)?, readRecorder: ReadRecorder? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.modes = modes
        self.metrics = metrics
        self.source = source
        self.target = target
        self.sourceSink = sourceSink
        self.targetSink = targetSink
        self.readRecorder = readRecorder
        self.logger = logger
        admin = AdminEndpoints(
            token: configuration.adminToken, metricsRequireToken: configuration.metricsRequireToken, modes: modes, metrics: metrics,
            sourceSink: sourceSink, targetSink: targetSink, logger: logger)
    }

    /// Decides what to do with a request, on the client connection's event loop. A `.read` or `.write` answer counts as
    /// in flight until ``forwardRead(_:on:receiver:)`` reported its head or ``forwardWrite(_:on:)`` returned.
    func respond(to request: ProxyRequest) -> ProxyAnswer {
        if AdminEndpoints.matches(request) {
            return .buffered(admin.respond(to: request))
        }
        metrics.requests.add(1, ordering: .relaxed)
        guard request.head.uri.hasPrefix("/") else {
            return .buffered(
                failure(
                    .badRequest, type: "tern_proxy_bad_request",
                    reason:
                        "The capture proxy serves origin-form request targets (/index/_doc/1) only, not \(request.head.uri.prefix(80))."
                ))
        }
        metrics.inFlight.add(1, ordering: .relaxed)
        let kind = WriteClassifier.classify(method: request.head.method.rawValue, uri: request.head.uri)
        return kind.isCaptured ? .write : .read
    }

    /// Answers a request that was refused before it reached the router (413 for a body over the limit).
    func refuse(_ status: HTTPResponseStatus, type: String, reason: String) -> ProxyResponse {
        metrics.requests.add(1, ordering: .relaxed)
        metrics.errors.add(1, ordering: .relaxed)
        return .error(status, type: type, reason: reason)
    }

    // MARK: Reads

    /// What a read's client connection receives: the upstream answer as it streams, or the proxy's own error.
    enum ReadEvent {
        case upstream(UpstreamEvent)
        /// The upstream could not be reached or failed before its answer began.
        case refused(ProxyResponse)
    }

    /// Forwards a read on `eventLoop` (the caller's); `receiver` gets the answer there, streamed as it arrives. A read
    /// the source answers may be recorded in the read log on the way, after the client got each part.
    func forwardRead(_ request: ProxyRequest, on eventLoop: any EventLoop, receiver: @escaping (ReadEvent) -> Void) {
        metrics.reads.add(1, ordering: .relaxed)
        let upstream = modes.mode == .target ? (target ?? source) : source
        let recording = upstream === source ? readRecorder?.begin(request) : nil
        let started = ContinuousClock.now
        var answered = false
        upstream.forward(
            method: request.head.method, uri: request.head.uri, headers: ProxyHeaders.upstreamRequest(request.head.headers),
            body: request.body, on: eventLoop
        ) { event in
            switch event {
            case .head(let head, _):
                answered = true
                self.metrics.recordLatency(ContinuousClock.now - started)
                self.metrics.inFlight.subtract(1, ordering: .relaxed)
                receiver(.upstream(event))
                recording?.head(head)
            case .body(let chunk):
                receiver(.upstream(event))
                recording?.append(chunk)
            case .end:
                receiver(.upstream(event))
                recording?.end()
            case .failed(let error) where !answered:
                answered = true
                self.metrics.inFlight.subtract(1, ordering: .relaxed)
                self.metrics.upstreamFailures.add(1, ordering: .relaxed)
                receiver(
                    .refused(
                        self.failure(
                            .badGateway, type: "tern_proxy_upstream_unreachable",
                            reason:
                                "The \(upstream.displayName) did not answer (\(Self.describe(error))); try again once it is reachable.")))
            default:
                receiver(.upstream(event))
            }
        }
    }

    // MARK: Writes

    /// Admits, captures and forwards a write, on `eventLoop` (the client connection's; the caller is on it). Only a write
    /// that must wait for `hold-writes` to end leaves the loop, for Swift concurrency; every other one stays on it
    /// until its answer waits for the capture log's sync.
    func forwardWrite(_ request: ProxyRequest, on eventLoop: any EventLoop) -> EventLoopFuture<ProxyResponse> {
        let admitted: EventLoopFuture<ModeController.WriteAdmission>
        if let admission = modes.admitWriteNow() {
            admitted = eventLoop.makeSucceededFuture(admission)
        } else {
            let promise = eventLoop.makePromise(of: ModeController.WriteAdmission.self)
            promise.completeWithTask {
                await self.modes.admitWrite(timeout: self.configuration.holdTimeout) {
                    self.metrics.writesHeld.add(1, ordering: .relaxed)
                }
            }
            admitted = promise.futureResult
        }
        return admitted.flatMap { admission in
            switch admission {
            case .proceed(let mode):
                guard mode == .target, let target = self.target, let targetSink = self.targetSink else {
                    return self.capture(request, upstream: self.source, sink: self.sourceSink, on: eventLoop)
                }
                return self.capture(request, upstream: target, sink: targetSink, on: eventLoop)
            case .timedOut:
                self.metrics.holdTimeouts.add(1, ordering: .relaxed)
                var headers = HTTPHeaders()
                headers.add(name: "Retry-After", value: "5")
                return eventLoop.makeSucceededFuture(
                    self.failure(
                        .serviceUnavailable, type: "tern_proxy_writes_held",
                        reason:
                            "Writes are on hold for a cluster switch and this one waited \(Self.seconds(self.configuration.holdTimeout)) without being released; retry shortly.",
                        headers: headers))
            case .shuttingDown:
                return eventLoop.makeSucceededFuture(
                    self.failure(
                        .serviceUnavailable, type: "tern_proxy_shutting_down",
                        reason: "The capture proxy is shutting down; the write was not forwarded."))
            }
        }.always { _ in
            self.metrics.inFlight.subtract(1, ordering: .relaxed)
        }
    }

    /// Records the request, forwards it, records the answer durably, then answers: the log never misses a write the
    /// client saw succeed. The request record is written (not synced) before anything is forwarded, so even a write whose
    /// answer cannot be recorded is in the log, and replay re-reads it.
    private func capture(
        _ request: ProxyRequest, upstream: UpstreamCluster, sink: any CaptureSink, on eventLoop: any EventLoop
    ) -> EventLoopFuture<ProxyResponse> {
        metrics.inFlightWrites.add(1, ordering: .relaxed)
        let exchange = sink.nextExchange()
        var captured = true
        do {
            try sink.recordRequest(
                exchange: exchange, timestampMillis: request.receivedAtMillis, method: request.head.method.rawValue,
                uri: request.head.uri, headers: ProxyHeaders.recordable(request.head.headers), body: request.body)
        } catch {
            metrics.captureFailures.add(1, ordering: .relaxed)
            logCaptureFailure(request, upstream: upstream, error: error, stage: "request")
            guard configuration.onCaptureFailure == .forwardUncaptured else {
                metrics.inFlightWrites.subtract(1, ordering: .relaxed)
                return eventLoop.makeSucceededFuture(
                    failure(
                        .serviceUnavailable, type: "tern_capture_failed",
                        reason:
                            "The capture log could not be written (\(Self.describe(error))), so the write was not forwarded to the \(upstream.configuration.role) cluster; free disk space or fix the log, then retry."
                    ))
            }
            captured = false
        }

        // The response is recorded as the cluster encoded it; asking for identity keeps it readable in the log.
        var headers = ProxyHeaders.upstreamRequest(request.head.headers)
        headers.remove(name: "accept-encoding")
        let started = ContinuousClock.now
        let promise = eventLoop.makePromise(of: ProxyResponse.self)
        upstream.collect(
            method: request.head.method, uri: request.head.uri, headers: headers, body: request.body,
            limit: configuration.maxResponseBodyBytes, on: eventLoop
        ) { result in
            switch result {
            case .success(let response):
                self.metrics.recordLatency(ContinuousClock.now - started)
                let answer = ProxyResponse(
                    status: response.head.status, headers: ProxyHeaders.downstreamResponse(response.head.headers, keepLength: false),
                    body: response.body)
                guard captured else {
                    self.metrics.writesUncaptured.add(1, ordering: .relaxed)
                    promise.succeed(answer)
                    return
                }
                sink.recordResponse(
                    exchange: exchange, timestampMillis: Self.nowMillis(), status: Int(answer.status.code),
                    headers: answer.headers.map { ($0.name, $0.value) }, body: answer.body
                ) { outcome in
                    promise.succeed(self.answerRecorded(answer, outcome: outcome, request: request, upstream: upstream))
                }
            case .failure(let error):
                self.metrics.upstreamFailures.add(1, ordering: .relaxed)
                let answer = self.failure(
                    .badGateway, type: "tern_proxy_upstream_unreachable",
                    reason:
                        "The \(upstream.displayName) did not answer the write (\(Self.describe(error))); it may or may not have been applied, check before retrying a non-idempotent request."
                )
                guard captured else {
                    self.metrics.writesUncaptured.add(1, ordering: .relaxed)
                    promise.succeed(answer)
                    return
                }
                // Status 0: the request may or may not have been applied; replay decides, knowing that.
                sink.recordResponse(exchange: exchange, timestampMillis: Self.nowMillis(), status: 0, headers: [], body: ByteBuffer()) {
                    outcome in
                    if case .failure(let recordError) = outcome {
                        self.metrics.captureFailures.add(1, ordering: .relaxed)
                        self.logCaptureFailure(request, upstream: upstream, error: recordError, stage: "unknown-outcome response")
                    }
                    promise.succeed(answer)
                }
            }
        }
        return promise.futureResult.always { _ in
            self.metrics.inFlightWrites.subtract(1, ordering: .relaxed)
        }
    }

    /// The client's answer once the cluster's answer was (or could not be) recorded durably.
    private func answerRecorded(
        _ answer: ProxyResponse, outcome: Result<Void, any Error>, request: ProxyRequest, upstream: UpstreamCluster
    ) -> ProxyResponse {
        switch outcome {
        case .success:
            metrics.writesCaptured.add(1, ordering: .relaxed)
            return answer
        case .failure(let error):
            metrics.captureFailures.add(1, ordering: .relaxed)
            logCaptureFailure(request, upstream: upstream, error: error, stage: "response")
            guard configuration.onCaptureFailure == .forwardUncaptured else {
                return failure(
                    .serviceUnavailable, type: "tern_capture_failed",
                    reason:
                        "The write reached the \(upstream.configuration.role) cluster (HTTP \(answer.status.code)) but the capture log could not record the outcome (\(Self.describe(error))); fix the log before cutting over."
                )
            }
            metrics.writesUncaptured.add(1, ordering: .relaxed)
            return answer
        }
    }

    // MARK: Helpers

    private func failure(
        _ status: HTTPResponseStatus, type: String, reason: String, headers: HTTPHeaders = HTTPHeaders()
    ) -> ProxyResponse {
        metrics.errors.add(1, ordering: .relaxed)
        return .error(status, type: type, reason: reason, headers: headers)
    }

    private func logCaptureFailure(_ request: ProxyRequest, upstream: UpstreamCluster, error: any Error, stage: String) {
        let consequence: String
        switch (stage, configuration.onCaptureFailure) {
        case ("request", .reject): consequence = "refused with 503, not forwarded"
        case ("request", .forwardUncaptured): consequence = "forwarded WITHOUT capture: the other cluster will miss it"
        case (_, .reject): consequence = "applied, but its outcome is not in the log; the client got 503"
        case (_, .forwardUncaptured): consequence = "applied, but its outcome is not in the log"
        }
        // Method and path only: the query or body may hold data the operator did not agree to see in logs.
        logger.error(
            "CAPTURE LOG WRITE FAILED",
            metadata: [
                "write": "\(consequence)", "stage": "\(stage)", "method": "\(request.head.method.rawValue)", "path": "\(request.path)",
                "cluster": "\(upstream.configuration.role)", "error": "\(Self.describe(error))",
            ])
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? TernError { return error.message }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first { return "\(first.error)" }
        return "\(error)"
    }

    static func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    private static func seconds(_ duration: Duration) -> String {
        let components = duration.components
        let millis = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        return millis % 1000 == 0 ? "\(millis / 1000) s" : "\(millis) ms"
    }
}
