import AsyncHTTPClient
import NIOCore
import TernCore

/// The transport of every real cluster: AsyncHTTPClient's pooled HTTP/1.1 connections, with TLS and gzip.
struct AsyncHTTPClientTransport: HTTPTransport {
    private let http: HTTPClient

    /// - Throws: `TernError` of kind `.configuration` when a TLS file cannot be read.
    init(configuration: ClusterConfiguration) throws {
        var http = HTTPClient.Configuration()
        http.tlsConfiguration = try TLSConfigurationFactory.make(configuration.tls, role: configuration.role)
        http.timeout = .init(connect: .init(configuration.timeouts.connect))
        http.decompression = .enabled(limit: .ratio(200))
        http.redirectConfiguration = .disallow
        // Connection failures come back to our own retry loop, which is bounded and can move to another endpoint;
        // the client's built-in reconnect loop would otherwise hold a refused connection until the request deadline.
        http.connectionPool.retryConnectionEstablishment = false
        http.httpVersion = .http1Only
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: http)
    }

    func execute(_ request: TransportRequest, timeout: Duration) async throws -> SearchResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        outgoing.headers = request.headers
        if let body = request.body { outgoing.body = .bytes(body) }
        let response = try await http.execute(outgoing, timeout: .init(timeout), logger: nil)
        let bytes = try await response.body.collect(upTo: SearchClient.maxResponseBytes)
        return SearchResponse(status: Int(response.status.code), headers: response.headers, body: bytes)
    }

    func shutdown() async throws {
        try await http.shutdown()
    }
}
