import Foundation
import Logging
import NIOCore
import SearchClient
import Synchronization
import TernCore
import Testing

/// A cluster that answers in memory, for tests of what the client does with answers (dialects, retries, error
/// sentences) where a socket adds nothing. Suites that use it say so in their names (`…InMemoryTests`).
///
/// Each request is recorded and, unless `specification` is nil (an Elasticsearch dialect), checked against the
/// OpenSearch API specification: a request real OpenSearch would refuse is recorded as an issue of the running test.
public final class InMemoryTransport: HTTPTransport {
    /// One request as the cluster would see it.
    public struct Request: Sendable, CustomStringConvertible {
        public var method: String
        /// Path and query string, percent-encoded.
        public var target: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        /// The path without its query string.
        public var path: String { String(target.prefix { $0 != "?" }) }
        public var description: String { "\(method) \(target)" }
        /// A header's value, by case-insensitive name.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// The answer to one request, or a transport failure to throw in its place.
    public enum Answer: Sendable {
        case json(Int, String)
        case body(Int, contentType: String, String, headers: [(String, String)] = [])
        case failure(any Error & Sendable)
    }

    private let answer: @Sendable (Request) async -> Answer
    private let specification: OpenSearchAPISpecification?
    private let received = Mutex<[Request]>([])

    /// - Parameters:
    ///   - specification: what requests are checked against; nil for an Elasticsearch dialect.
    ///   - answer: what the cluster answers to each request.
    public init(specification: OpenSearchAPISpecification? = .shared, answer: @escaping @Sendable (Request) async -> Answer) {
        self.specification = specification
        self.answer = answer
    }

    /// Every request received so far, in order.
    public var requests: [Request] { received.withLock { $0 } }

    /// A client for this in-memory cluster, with `retries` (one attempt unless given).
    public func client(role: String = "source", auth: AuthConfiguration = .none, retries: RetrySettings = RetrySettings(maxAttempts: 1))
        -> SearchClient
    {
        let configuration = ClusterConfiguration(
            role: role, endpoints: [URLHelper.url("http://in-memory.test:9200")], auth: auth,
            timeouts: Timeouts(connect: .seconds(2), request: .seconds(30)), retries: retries)
        return SearchClient(configuration: configuration, logger: Logger(label: "in-memory"), transport: self)
    }

    package func execute(_ request: TransportRequest, timeout: Duration) async throws -> SearchResponse {
        let recorded = Request(
            method: request.method.rawValue, target: request.target, headers: request.headers.map { ($0.name, $0.value) },
            body: request.body.map { Array($0.readableBytesView) } ?? [])
        received.withLock { $0.append(recorded) }
        if let specification {
            let refused = specification.violations(method: recorded.method, target: recorded.target, body: recorded.body)
            if !refused.isEmpty { Issue.record("a request real OpenSearch would refuse: \(refused.joined(separator: "; "))") }
        }
        switch await answer(recorded) {
        case .json(let status, let text):
            return SearchResponse(
                status: status, headers: ["Content-Type": "application/json; charset=UTF-8"], body: ByteBuffer(string: text))
        case .body(let status, let contentType, let text, let extra):
            var headers: HTTPHeaders = ["Content-Type": contentType]
            for (name, value) in extra { headers.add(name: name, value: value) }
            return SearchResponse(status: status, headers: headers, body: ByteBuffer(string: text))
        case .failure(let error):
            throw error
        }
    }

    package func shutdown() async throws {}
}
