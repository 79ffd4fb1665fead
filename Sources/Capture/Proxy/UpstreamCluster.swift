import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import TernCore

/// One cluster the proxy forwards to: keep-alive connections on every event loop, the cluster's credentials, and
/// failover between its endpoints.
///
/// A request is forwarded on the event loop of the client connection it came from, over a connection of that loop's
/// pool, so that proxying costs no thread switch.
final class UpstreamCluster: Sendable {
    let configuration: ClusterConfiguration
    /// The `Authorization` value for the cluster's configured credentials; `nil` passes the client's own through.
    private let authorization: String?
    private let currentEndpoint = Mutex(0)
    private let endpoints: [Endpoint]
    private let pools: [ObjectIdentifier: NIOLoopBoundBox<LoopPools>]
    private let requestTimeout: TimeAmount

    private struct Endpoint: Sendable {
        var url: URL
        var address: UpstreamAddress
        var basePath: String
        /// The `Host` header, as a client library derives it from the URL.
        var hostHeader: String
    }

    /// The pools of one event loop, one per endpoint, opened on first use.
    private final class LoopPools {
        private let eventLoop: any EventLoop
        private let makePool: (any EventLoop, Int) -> UpstreamConnectionPool
        private var pools: [Int: UpstreamConnectionPool] = [:]

        init(eventLoop: any EventLoop, makePool: @escaping (any EventLoop, Int) -> UpstreamConnectionPool) {
            self.eventLoop = eventLoop
            self.makePool = makePool
        }

        func pool(_ endpoint: Int) -> UpstreamConnectionPool {
            if let pool = pools[endpoint] { return pool }
            let pool = makePool(eventLoop, endpoint)
            pools[endpoint] = pool
            return pool
        }

        func close() {
            for pool in pools.values { pool.close() }
        }
    }

    /// A whole upstream answer, for captured writes.
    struct CollectedResponse: Sendable {
        var head: HTTPResponseHead
        var body: ByteBuffer
    }

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
        authorization = Self.authorization(for: configuration.auth)
        requestTimeout = Self.timeAmount(configuration.timeouts.request)
        let endpoints = configuration.endpoints.map { Self.makeEndpoint($0) }
        self.endpoints = endpoints
        let sslContext: Result<NIOSSLContext, any Error>? =
            endpoints.contains(where: \.address.tls) ? Result { try NIOSSLContext(configuration: tls) } : nil
        let loops = Array(eventLoopGroup.makeIterator())
        // The connection limit is per host, shared by the event loops.
        let perLoop = (max(1, connectionsPerHost) + loops.count - 1) / max(1, loops.count)
        let connectTimeout = Self.timeAmount(configuration.timeouts.connect)
        var pools: [ObjectIdentifier: NIOLoopBoundBox<LoopPools>] = [:]
        for loop in loops {
            // Built here, off the loop, and used only on it from now on.
            pools[ObjectIdentifier(loop)] = NIOLoopBoundBox.makeBoxSendingValue(
                LoopPools(eventLoop: loop) { loop, index in
                    let endpoint = endpoints[index]
                    return UpstreamConnectionPool(
                        eventLoop: loop, address: endpoint.address, sslContext: endpoint.address.tls ? sslContext : nil,
                        connectTimeout: connectTimeout, limit: perLoop)
                }, eventLoop: loop)
        }
        self.pools = pools
    }

    /// `source cluster at http://host:9200`
    var displayName: String {
        "\(configuration.role) cluster at \(ClusterConfiguration.display(endpoints[currentEndpoint.withLock { $0 } % endpoints.count].url))"
    }

    /// Sends one request on `eventLoop` (the client connection's, and the caller is on it); `receiver` gets the answer as
    /// it arrives, on that loop.
    /// - Parameters:
    ///   - uri: path and query as the client sent them.
    ///   - headers: end-to-end headers to send (`Host` and framing are set here).
    func forward(
        method: HTTPMethod, uri: String, headers: HTTPHeaders, body: ByteBuffer, on eventLoop: any EventLoop,
        receiver: @escaping (UpstreamEvent) -> Void
    ) {
        eventLoop.preconditionInEventLoop()
        let index = currentEndpoint.withLock { $0 } % endpoints.count
        let endpoint = endpoints[index]
        var headers = headers
        headers.replaceOrAdd(name: "Host", value: endpoint.hostHeader)
        if let authorization {
            headers.replaceOrAdd(name: "Authorization", value: authorization)
        }
        let hasBody = body.readableBytes > 0 || method == .POST || method == .PUT || method == .PATCH
        if hasBody {
            headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: endpoint.basePath + uri, headers: headers)
        guard let loopPools = pools[ObjectIdentifier(eventLoop)] else {
            receiver(.failed(ChannelError.ioOnClosedChannel))
            return
        }
        let pool = loopPools.value.pool(index)
        let timeout = requestTimeout
        var answered = false
        pool.lease { result in
            switch result {
            case .success(let connection):
                connection.send(head: head, body: hasBody ? body : nil, deadline: timeout) { event in
                    switch event {
                    case .head: answered = true
                    case .failed where !answered: self.rotateEndpoint(after: index)
                    default: break
                    }
                    receiver(event)
                }
            case .failure(let error):
                self.rotateEndpoint(after: index)
                receiver(.failed(error))
            }
        }
    }

    /// Sends one request on `eventLoop` (the caller's, and the caller is on it) and hands the whole answer to `completion`
    /// there: the write path stays on the client connection's loop.
    /// - Parameter completion: the answer, the connection's error, or `NIOTooManyBytesError` when the body is over `limit`;
    ///   called exactly once.
    func collect(
        method: HTTPMethod, uri: String, headers: HTTPHeaders, body: ByteBuffer, limit: Int, on eventLoop: any EventLoop,
        completion: @escaping (Result<CollectedResponse, any Error>) -> Void
    ) {
        var responseHead: HTTPResponseHead?
        var collected = ByteBuffer()
        var done = false
        forward(method: method, uri: uri, headers: headers, body: body, on: eventLoop) { event in
            guard !done else { return }
            switch event {
            case .head(let head, _):
                responseHead = head
            case .body(var chunk):
                if collected.readableBytes + chunk.readableBytes > limit {
                    done = true
                    completion(.failure(NIOTooManyBytesError(maxBytes: limit)))
                } else {
                    collected.writeBuffer(&chunk)
                }
            case .readComplete:
                break
            case .end:
                guard let responseHead else { return }
                done = true
                completion(.success(CollectedResponse(head: responseHead, body: collected)))
            case .failed(let error):
                done = true
                completion(.failure(error))
            }
        }
    }

    func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for loopPools in pools.values {
                group.addTask {
                    try? await loopPools.eventLoop.submit { loopPools.value.close() }.get()
                }
            }
        }
    }

    private func rotateEndpoint(after failed: Int) {
        guard endpoints.count > 1 else { return }
        currentEndpoint.withLock { index in
            if index % endpoints.count == failed { index += 1 }
        }
    }

    private static func makeEndpoint(_ url: URL) -> Endpoint {
        let scheme = url.scheme?.lowercased() ?? "http"
        let tls = scheme == "https"
        let host = (url.host ?? "localhost").trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let port = url.port ?? (tls ? 443 : 80)
        let basePath = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let hostHeader = url.port.map { "\(bracketed):\($0)" } ?? bracketed
        return Endpoint(url: url, address: UpstreamAddress(host: host, port: port, tls: tls), basePath: basePath, hostHeader: hostHeader)
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let components = duration.components
        return .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
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
