import Foundation
import TernCore
import Testing

/// A server (`recorded_server.py`) that answers from recorded request/response exchanges written from the documented
/// Elasticsearch/OpenSearch answers, for APIs no test server here offers (`_snapshot`, `_tasks`). It records every request
/// it receives, and answers 500 with a reason to requests the recording does not expect.
///
/// Every request it receives is also checked against the OpenSearch API specification (``OpenSearchAPISpecification``):
/// a request real OpenSearch would refuse (an unknown path, parameter or body field) is as unexpected as one the
/// recording lacks, so ``unexpected()`` lists both.
public final class RecordedExchangeServer: Sendable {
    /// One expected request and its answer.
    public struct Exchange: Sendable {
        public var method: String
        /// Path with query string; query parameters are compared in any order, percent-decoded.
        public var path: String
        public var status: Int
        /// The JSON answer, sent as written.
        public var body: String
        /// How many requests it answers; 0 = any number (a status polled repeatedly).
        public var times: Int
        /// JSON the request body must contain (objects: every key given, recursively; other values: equal).
        public var expect: String?

        public init(_ method: String, _ path: String, status: Int = 200, body: String = "{}", times: Int = 1, expect: String? = nil) {
            self.method = method
            self.path = path
            self.status = status
            self.body = body
            self.times = times
            self.expect = expect
        }
    }

    /// A request as the server received it.
    public struct Request: Sendable, Decodable, CustomStringConvertible {
        public var method: String
        public var path: String
        /// Header names lowercased.
        public var headers: [String: String]
        public var body: String
        /// Why no exchange answered it, when none did.
        public var problem: String?
        /// Why real OpenSearch would refuse it, when it would (set by ``RecordedExchangeServer/requests()``).
        public var refusal: String?

        /// The body parsed, nil when empty or not JSON.
        public var json: JSONValue? { try? JSONValue.parse(Array(body.utf8)) }
        /// The path without its query string.
        public var pathOnly: String { String(path.prefix { $0 != "?" }) }
        public var description: String { "\(method) \(path)\(body.isEmpty ? "" : " \(body)")" }
        /// The request with why it was unexpected.
        var explained: String { "\(self) (\([problem, refusal].compactMap { $0 }.joined(separator: "; ")))" }
    }

    private let server: ServerProcess
    private let folder: URL
    private let specification: OpenSearchAPISpecification?
    public let url: URL
    public let port: Int

    /// - Parameter specification: what requests are checked against; nil for a recording of Elasticsearch, whose API
    ///   the OpenSearch specification does not describe.
    public init(_ exchanges: [Exchange], specification: OpenSearchAPISpecification? = .shared) throws {
        self.specification = specification
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-recorded-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let entries: [[String: Any]] = exchanges.map { exchange in
            var entry: [String: Any] = [
                "method": exchange.method, "path": exchange.path, "status": exchange.status, "body_text": exchange.body,
                "times": exchange.times,
            ]
            if let expect = exchange.expect { entry["expect_text"] = expect }
            return entry
        }
        let script = folder.appendingPathComponent("script.json")
        try JSONSerialization.data(withJSONObject: ["exchanges": entries]).write(to: script)
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("recorded_server.py").path
        server = try ServerProcess(
            executable: "/usr/bin/env",
            arguments: ["python3", path, script.path, folder.appendingPathComponent("record.ndjson").path])
        guard let port = server.announcement["port"] as? Int else {
            server.stop()
            throw TestSupportError("recorded_server.py did not print its port")
        }
        self.port = port
        url = URLHelper.url("http://127.0.0.1:\(port)")
    }

    /// Stops the server and removes its files; records an issue in the running test for every request the
    /// specification refuses, so that no test can pass while Tern sends such a request.
    public func stop() {
        let refused = (try? specificationViolations()) ?? []
        if !refused.isEmpty {
            Issue.record("requests real OpenSearch would refuse: \(refused.map(\.explained))")
        }
        server.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `body` with a server answering `exchanges` and stops it afterwards.
    /// - Throws: after `body`, when the server received a request the recording does not expect (requests the
    ///   specification refuses are recorded as issues by ``stop()``).
    public static func with<T>(_ exchanges: [Exchange], _ body: (RecordedExchangeServer) async throws -> T) async throws -> T {
        let server = try RecordedExchangeServer(exchanges)
        defer { server.stop() }
        let result = try await body(server)
        let unanswered = try server.requests().filter { $0.problem != nil }
        guard unanswered.isEmpty else {
            throw TestSupportError("requests the recording does not expect: \(unanswered.map(\.explained))")
        }
        return result
    }

    /// A cluster configuration pointing at the server, with no retries (a recording answers each request once).
    public func configuration(role: String, auth: AuthConfiguration = .none) -> ClusterConfiguration {
        ClusterConfiguration(
            role: role, endpoints: [url], auth: auth, timeouts: Timeouts(connect: .seconds(2), request: .seconds(30)),
            retries: RetrySettings(maxAttempts: 1))
    }

    /// Every request received so far, in order.
    public func requests() throws -> [Request] {
        let file = folder.appendingPathComponent("record.ndjson")
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let decoder = JSONDecoder()
        return try String(decoding: Data(contentsOf: file), as: UTF8.self).split(separator: "\n").map {
            var request = try decoder.decode(Request.self, from: Data($0.utf8))
            if let specification {
                let violations = specification.violations(method: request.method, target: request.path, body: Array(request.body.utf8))
                if !violations.isEmpty { request.refusal = violations.joined(separator: "; ") }
            }
            return request
        }
    }

    /// Requests the recording answered but the OpenSearch API specification refuses.
    public func specificationViolations() throws -> [Request] {
        try requests().filter { $0.refusal != nil }
    }

    /// Requests no exchange answered, or that the specification refuses.
    public func unexpected() throws -> [Request] {
        try requests().filter { $0.problem != nil || $0.refusal != nil }
    }

    /// The requests with this method whose path (without query) is `path`.
    public func requests(_ method: String, _ path: String) throws -> [Request] {
        try requests().filter { $0.method == method && $0.pathOnly == path }
    }
}
