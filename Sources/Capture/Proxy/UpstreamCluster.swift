import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization
import TernCore

/// One cluster the proxy forwards to: a pooled HTTP client, the cluster's credentials, and failover between its endpoints.
final class UpstreamCluster: Sendable {
    let configuration: ClusterConfiguration
    private let client: HTTPClient
    /// The `Authorization` value for the cluster's configured credentials; `nil` passes the client's own through.
    private let authorization: String?
    private let currentEndpoint = Mutex(0)

    /// Checks what can fail before any connection: credentials the proxy can send, readable TLS files.
    static func validate(_ configuration: ClusterConfiguration) throws -> TLSConfiguration {
        guard !configuration.endpoints.isEmpty else {
            throw TernError.configuration("The \(configuration.role) cluster has no endpoint; give at least one URL.")
        }
        if case .awsSigV4 = configuration.auth {
            throw TernError.configuration(
                "The capture proxy cannot sign requests for the \(configuration.role) cluster with aws_sigv4; use basic, api_key or bearer auth, or none to pass clients' credentials through."
            )
        }
        return try ProxyTLS.upstream(configuration.tls, role: configuration.role)
    }

    init(configuration: ClusterConfiguration, tls: TLSConfiguration, eventLoopGroup: any EventLoopGroup, connectionsPerHost: Int) {
        self.configuration = configuration
        var http = HTTPClient.Configuration()
        http.tlsConfiguration = tls
        http.timeout = .init(connect: .init(configuration.timeouts.connect))
        // Bodies pass through as the cluster encoded them; the client asked for that encoding itself.
        http.decompression = .disabled
        http.redirectConfiguration = .disallow
        // A refused connection must come back at once as a 502, not be retried until the request deadline.
        http.connectionPool.retryConnectionEstablishment = false
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, connectionsPerHost)
        http.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: http)
        authorization = Self.authorization(for: configuration.auth)
    }

    /// `source cluster at http://host:9200`
    var displayName: String {
        "\(configuration.role) cluster at \(ClusterConfiguration.display(endpoint))"
    }

    private var endpoint: URL {
        configuration.endpoints[currentEndpoint.withLock { $0 } % configuration.endpoints.count]
    }

    /// Sends one request and returns as soon as the response head arrived; the body streams from the result.
    /// - Parameters:
    ///   - uri: path and query as the client sent them.
    ///   - headers: end-to-end headers to send (`Host` and framing are set here).
    func execute(method: HTTPMethod, uri: String, headers: HTTPHeaders, body: ByteBuffer) async throws -> HTTPClientResponse {
        let base = endpoint
        let basePath = base.path.hasSuffix("/") ? String(base.path.dropLast()) : base.path
        let scheme = base.scheme?.lowercased() ?? "http"
        let authority = base.port.map { "\(base.host ?? ""):\($0)" } ?? (base.host ?? "")
        var request = HTTPClientRequest(url: "\(scheme)://\(authority)\(basePath)\(uri)")
        request.method = method
        request.headers = headers
        if let authorization {
            request.headers.replaceOrAdd(name: "Authorization", value: authorization)
        }
        if body.readableBytes > 0 || method == .POST || method == .PUT || method == .PATCH {
            request.body = .bytes(body)
        }
        do {
            return try await client.execute(request, timeout: .init(configuration.timeouts.request), logger: nil)
        } catch {
            rotateEndpoint(after: base)
            throw error
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    private func rotateEndpoint(after failed: URL) {
        guard configuration.endpoints.count > 1 else { return }
        currentEndpoint.withLock { index in
            if configuration.endpoints[index % configuration.endpoints.count] == failed { index += 1 }
        }
    }

    private static func authorization(for auth: AuthConfiguration) -> String? {
        switch auth {
        case .basic(let username, let password):
            "Basic " + Data("\(username):\(password.value)".utf8).base64EncodedString()
        case .apiKey(let key):
            "ApiKey \(key.value)"
        case .bearer(let token):
            "Bearer \(token.value)"
        case .none, .awsSigV4:
            nil
        }
    }
}
