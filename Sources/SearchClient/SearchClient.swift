import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import TernCore

/// One cluster over HTTP: authentication, TLS, pooled connections, timeouts, gzip, and bounded retries with backoff.
///
/// Create it with ``withClient(_:logger:_:)`` so its connections are closed when the work ends.
public final class SearchClient: Sendable {
    public let configuration: ClusterConfiguration
    let logger: Logger
    private let transport: any HTTPTransport
    private let authenticator: RequestAuthenticator
    /// The endpoint requests go to; it moves to the next one when a connection fails.
    private let currentEndpoint = Mutex(0)
    /// Bodies larger than this are refused rather than buffered.
    public static let maxResponseBytes = 1 << 30

    /// - Throws: `TernError` of kind `.configuration` when a TLS file cannot be read.
    public convenience init(configuration: ClusterConfiguration, logger: Logger) throws {
        try self.init(configuration: configuration, logger: logger, transport: AsyncHTTPClientTransport(configuration: configuration))
    }

    /// A client whose requests go through `transport` (tests answer in memory with it).
    package init(configuration: ClusterConfiguration, logger: Logger, transport: any HTTPTransport) {
        self.configuration = configuration
        self.logger = logger
        self.transport = transport
        self.authenticator = RequestAuthenticator(auth: configuration.auth)
    }

    /// Runs `body` with a client and closes its connections afterwards, whether `body` succeeded or threw.
    public static func withClient<Result: Sendable>(
        _ configuration: ClusterConfiguration, logger: Logger, _ body: (SearchClient) async throws -> Result
    ) async throws -> Result {
        let client = try SearchClient(configuration: configuration, logger: logger)
        do {
            let result = try await body(client)
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Closes pooled connections.
    public func shutdown() async throws {
        try await transport.shutdown()
    }

    /// `source cluster at http://host:9200`
    public var displayName: String {
        "\(configuration.role) cluster at \(ClusterConfiguration.display(endpoint))"
    }

    var endpoint: URL {
        configuration.endpoints[currentEndpoint.withLock { $0 } % configuration.endpoints.count]
    }

    /// Sends one request, retrying 429/502/503/504 answers and broken connections with backoff.
    /// - Parameters:
    ///   - path: the path after the endpoint's base path, starting with `/` (`/_cluster/health`).
    ///   - query: query parameters, already in order.
    ///   - retries: overrides the cluster's retry settings (a connectivity check wants fewer attempts).
    /// - Returns: the final answer, whatever its status; the caller decides what a 404 means.
    /// - Throws: `TernError` for failures of the transport (connection, TLS, timeouts), never a raw NIO error.
    public func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String = "application/json", retries: RetrySettings? = nil
    ) async throws -> SearchResponse {
        try await send(method, path, query: query, body: body.map { ByteBuffer(bytes: $0) }, contentType: contentType, retries: retries)
    }

    /// ``send(_:_:query:body:contentType:retries:)`` with a body already in a `ByteBuffer`: it is sent, and sent again
    /// on a retry, without being copied.
    public func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: ByteBuffer?,
        contentType: String = "application/json", retries: RetrySettings? = nil
    ) async throws -> SearchResponse {
        let policy = RetryPolicy(settings: retries ?? configuration.retries)
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            let url = endpoint
            do {
                let response = try await sendOnce(method, url: url, path: path, query: query, body: body, contentType: contentType)
                guard RetryPolicy.retryableStatuses.contains(response.status), policy.shouldRetry(attempt: attempt) else {
                    return response
                }
                let wait = policy.delay(afterAttempt: attempt, retryAfter: Self.retryAfter(response.headers), using: &generator)
                logger.info(
                    "cluster busy, retrying",
                    metadata: [
                        "cluster": "\(configuration.role)", "status": "\(response.status)", "attempt": "\(attempt)",
                        "wait_ms": "\(wait.inMilliseconds)",
                    ])
                try await Task.sleep(for: wait)
            } catch let error as TernError where TransportErrorTranslator.isRetryable(error) && policy.shouldRetry(attempt: attempt) {
                rotateEndpoint(after: url)
                let wait = policy.delay(afterAttempt: attempt, using: &generator)
                logger.info(
                    "connection failed, retrying",
                    metadata: [
                        "cluster": "\(configuration.role)", "error": "\(error.message)", "attempt": "\(attempt)",
                        "wait_ms": "\(wait.inMilliseconds)",
                    ])
                try await Task.sleep(for: wait)
            }
            attempt += 1
        }
    }

    /// GETs a JSON document and fails with a sentence unless the answer is a 2xx JSON body.
    public func getJSON(_ path: String, query: [(String, String)] = [], retries: RetrySettings? = nil) async throws -> JSONValue {
        let response = try await send(.GET, path, query: query, retries: retries)
        try checkAccess(response, method: "GET", path: path)
        guard response.isSuccess else {
            throw TernError(
                .httpStatus,
                "The \(displayName) answered GET \(path) with HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "").")
        }
        guard let json = response.json() else {
            throw TernError(
                .badResponse,
                "The \(displayName) answered GET \(path) with a body that is not JSON (\(Self.describeBody(response))); is this an Elasticsearch or OpenSearch endpoint?"
            )
        }
        return json
    }

    /// Fails with the authentication or authorisation sentence for 401 and 403.
    public func checkAccess(_ response: SearchResponse, method: String, path: String) throws {
        switch response.status {
        case 401:
            let given =
                configuration.auth == .none
                ? "no credentials were given; add auth: to the \(configuration.role) section of tern.yml"
                : "check the \(configuration.role) credentials (auth: \(configuration.auth))"
            throw TernError(.authentication, "The \(displayName) refused the credentials (HTTP 401 on \(method) \(path)): \(given).")
        case 403:
            let reason = response.errorSummary.map { " (\($0))" } ?? ""
            throw TernError(
                .authorization,
                "The \(displayName) accepted the credentials but denied \(method) \(path) (HTTP 403\(reason)); grant the user the cluster monitor privilege (and read access to the indices to migrate)."
            )
        default:
            return
        }
    }

    private func sendOnce(
        _ method: HTTPMethod, url base: URL, path: String, query: [(String, String)], body: ByteBuffer?, contentType: String
    ) async throws -> SearchResponse {
        let basePath = base.path.hasSuffix("/") ? String(base.path.dropLast()) : base.path
        let fullPath = basePath + path
        let queryString = query.isEmpty ? nil : query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let scheme = base.scheme?.lowercased() ?? "http"
        let hostHeader = base.port.map { "\(base.host ?? ""):\($0)" } ?? (base.host ?? "")
        var request = TransportRequest(
            method: method, url: "\(scheme)://\(hostHeader)\(fullPath)\(queryString.map { "?\($0)" } ?? "")", headers: [:], body: body)
        var headers: [(name: String, value: String)] = [("Accept", "application/json"), ("Accept-Encoding", "gzip")]
        if body != nil {
            headers.append(("Content-Type", contentType))
        }
        headers += authenticator.headers(
            method: method.rawValue, path: fullPath, query: queryString, host: hostHeader, headers: headers,
            body: body?.readableBytesView ?? ByteBuffer().readableBytesView)
        headers.append(("Host", hostHeader))
        for header in headers { request.headers.replaceOrAdd(name: header.name, value: header.value) }

        let translator = TransportErrorTranslator(
            subject: "\(configuration.role) cluster at \(ClusterConfiguration.display(base))", host: base.host ?? "",
            port: base.port ?? (scheme == "https" ? 443 : 80), isTLS: scheme == "https",
            connectTimeout: configuration.timeouts.connect, requestTimeout: configuration.timeouts.request,
            role: configuration.role)
        let started = ContinuousClock.now
        do {
            let response = try await transport.execute(request, timeout: configuration.timeouts.request)
            logger.debug(
                "http",
                metadata: [
                    "cluster": "\(configuration.role)", "method": "\(method.rawValue)", "path": "\(path)",
                    "status": "\(response.status)", "ms": "\((ContinuousClock.now - started).inMilliseconds)",
                ])
            return response
        } catch let error as NIOTooManyBytesError {
            throw TernError(
                .badResponse,
                "The \(translator.subject) sent more than \(Self.maxResponseBytes >> 20) MiB for \(method.rawValue) \(path): \(error); narrow the request."
            )
        } catch {
            throw translator.translate(error)
        }
    }

    private func rotateEndpoint(after failed: URL) {
        guard configuration.endpoints.count > 1 else { return }
        currentEndpoint.withLock { index in
            if configuration.endpoints[index % configuration.endpoints.count] == failed { index += 1 }
        }
    }

    private static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        headers.first(name: "Retry-After").flatMap(Int.init).map { .seconds($0) }
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// `name` percent-encoded for one segment of a request path (an index, repository or snapshot name).
    public static func pathSegment(_ name: String) -> String { encode(name) }

    static func describeBody(_ response: SearchResponse) -> String {
        let type = response.headers.first(name: "Content-Type") ?? "no content type"
        let preview = String(decoding: response.body.readableBytesView.prefix(60), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
        return preview.isEmpty ? "\(type), empty" : "\(type): \"\(preview)\""
    }
}
