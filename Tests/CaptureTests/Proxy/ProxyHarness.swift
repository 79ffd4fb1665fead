import AsyncHTTPClient
import Capture
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TernCore
import TernTestSupport

/// A running proxy in front of real clusters, and a client that talks to it.
struct ProxyHarness {
    static let token = "s3cret-admin-token"

    let proxy: CaptureProxy
    let port: Int

    /// A change to the default configuration.
    enum Setting {
        case holdTimeout(Duration)
        case metricsRequireToken
        case onCaptureFailure(CaptureFailurePolicy)
        case maxRequestBodyBytes(Int)
        case listenerTLS(certificateFile: String, keyFile: String)
        case readLogMaxBodyBytes(Int)

        func apply(to configuration: inout CaptureProxyConfiguration) {
            switch self {
            case .holdTimeout(let timeout): configuration.holdTimeout = timeout
            case .metricsRequireToken: configuration.metricsRequireToken = true
            case .onCaptureFailure(let policy): configuration.onCaptureFailure = policy
            case .maxRequestBodyBytes(let limit): configuration.maxRequestBodyBytes = limit
            case .listenerTLS(let certificate, let key): configuration.listenerTLS = .init(certificateFile: certificate, keyFile: key)
            case .readLogMaxBodyBytes(let limit): configuration.readLogMaxBodyBytes = limit
            }
        }
    }

    /// The answer to one request, body as text.
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: String

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// Starts a proxy, runs `body` against it, and shuts it down gracefully.
    static func with<T>(
        source: ClusterConfiguration, target: ClusterConfiguration? = nil, sink: InMemoryCaptureSink,
        targetSink: InMemoryCaptureSink? = nil, readLog: CaptureLogWriter? = nil, logger: Logger = Logger(label: "proxy-test"),
        settings: [Setting] = [], _ body: (ProxyHarness) async throws -> T
    ) async throws -> T {
        var configuration = CaptureProxyConfiguration(source: source, target: target, adminToken: Secret(token))
        for setting in settings { setting.apply(to: &configuration) }
        let proxy = try CaptureProxy(
            configuration: configuration, sourceSink: sink, targetSink: targetSink, readLog: readLog, logger: logger)
        let port = try await proxy.start()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await proxy.run() }
            do {
                let result = try await body(ProxyHarness(proxy: proxy, port: port))
                await proxy.shutdown()
                try await group.waitForAll()
                return result
            } catch {
                await proxy.shutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// Sends one request through the proxy.
    func send(
        _ method: HTTPMethod, _ uri: String, body: String? = nil, headers: [(String, String)] = [],
        contentType: String = "application/json"
    ) async throws -> Answer {
        try await send(method, uri, bytes: body.map { Array($0.utf8) }, headers: headers, contentType: contentType)
    }

    func send(
        _ method: HTTPMethod, _ uri: String, bytes: [UInt8]?, headers: [(String, String)] = [], contentType: String = "application/json"
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(uri)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let bytes {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: bytes))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    /// Sends an admin request with the token.
    func admin(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> Answer {
        try await send(method, path, body: body, headers: [("X-Tern-Token", Self.token)])
    }
}
