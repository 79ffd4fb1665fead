import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TernCore

/// Talks to a running capture proxy's admin endpoints (`/_tern/proxy/status`, `/_tern/proxy/mode`), as
/// `tern proxy status` and `tern proxy mode` do.
///
/// Every failure is a `TernError` with one sentence: unreachable (exit code 3), token refused (3), mode unavailable (2).
public struct ProxyAdminClient: Sendable {
    /// The proxy's base URL (`http://127.0.0.1:9400`).
    public let url: URL
    private let token: Secret
    private let tls: TLSSettings

    /// - Parameters:
    ///   - url: the proxy's base URL, as clients reach it.
    ///   - token: the admin token the proxy was started with.
    ///   - tls: how to verify the proxy's certificate when `url` is https (a CA file for a self-signed one).
    public init(url: URL, token: Secret, tls: TLSSettings = TLSSettings()) {
        self.url = url
        self.token = token
        self.tls = tls
    }

    /// The proxy's `GET /_tern/proxy/status` answer: mode, counters, in-flight gauges, capture log positions.
    public func status() async throws -> JSONValue {
        try await send(.GET, "/_tern/proxy/status", body: nil)
    }

    /// Switches the proxy's mode.
    /// - Returns: the mode now and the mode before.
    public func setMode(_ mode: ProxyMode) async throws -> (mode: ProxyMode, previous: ProxyMode) {
        let body = try await send(.PUT, "/_tern/proxy/mode", body: #"{"mode":"\#(mode.rawValue)"}"#)
        let previous = body["previous"]?.stringValue.flatMap(ProxyMode.init(rawValue:)) ?? mode
        return (body["mode"]?.stringValue.flatMap(ProxyMode.init(rawValue:)) ?? mode, previous)
    }

    private var display: String { ClusterConfiguration.display(url) }

    private func send(_ method: HTTPMethod, _ path: String, body: String?) async throws -> JSONValue {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = try ProxyTLS.upstream(tls, role: "proxy")
        configuration.timeout = .init(connect: .seconds(2))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        let basePath = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        var request = HTTPClientRequest(url: "\(display)\(basePath)\(path)")
        request.method = method
        request.headers.add(name: AdminEndpoints.tokenHeader, value: token.value)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let status: Int
        let bytes: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: 1 << 20)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw unreachable(error)
        }
        let json = try? JSONValue.parse(bytes.readableBytesView)
        let reason = json?.value(at: "error.reason")?.stringValue
        switch status {
        case 200..<300:
            guard let json else {
                throw TernError(
                    .badResponse, "The proxy at \(display) answered \(path) with a body that is not JSON; is this a Tern proxy?")
            }
            return json
        case 401:
            throw TernError(
                .authentication,
                "The proxy at \(display) refused the admin token (HTTP 401); give the token it was started with (--admin-token-file or TERN_PROXY_TOKEN)."
            )
        case 404 where reason == nil:
            throw TernError(.notASearchCluster, "\(display) has no \(path) endpoint (HTTP 404); is a Tern proxy listening there?")
        case 409:
            throw TernError(.configuration, reason ?? "The proxy at \(display) cannot switch to that mode (HTTP 409).")
        default:
            throw TernError(
                .httpStatus,
                "The proxy at \(display) answered \(method.rawValue) \(path) with HTTP \(status)\(reason.map { ": \($0)" } ?? ".")")
        }
    }

    private func unreachable(_ error: any Error) -> TernError {
        if let error = error as? NIOSSLError {
            return TernError(
                .tls, "The TLS connection to the proxy at \(display) failed (\(error)); pass its CA certificate with --ca-file.")
        }
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .connectTimeout || error == .readTimeout {
            return TernError(.timeout, "The proxy at \(display) did not answer in time; is it running and reachable?")
        }
        return TernError(
            .connectionRefused,
            "Nothing answers at \(display) (\(Self.describe(error))); is tern proxy running there? Pass its address with --proxy URL.")
    }

    private static func describe(_ error: any Error) -> String {
        var error = error
        if let connection = error as? NIOConnectionError, let first = connection.connectionErrors.first { error = first.error }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        return "\(error)"
    }
}
