import Foundation
import NIOCore
import NIOHTTP1
import TernCore

/// An answer the proxy composes itself (errors, admin endpoints) or has fully buffered from upstream.
struct ProxyResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer

    init(status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer.
    static func json(_ status: HTTPResponseStatus, _ value: JSONValue, headers: HTTPHeaders = HTTPHeaders()) -> ProxyResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json; charset=UTF-8")
        return ProxyResponse(status: status, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    /// An error in the shape Elasticsearch and OpenSearch use, so clients show `reason` as they would a cluster's.
    /// - Parameters:
    ///   - type: a stable snake_case identifier (`tern_capture_failed`).
    ///   - reason: one sentence for people.
    static func error(_ status: HTTPResponseStatus, type: String, reason: String, headers: HTTPHeaders = HTTPHeaders()) -> ProxyResponse {
        json(
            status,
            .object([
                "error": .object(["type": .string(type), "reason": .string(reason)]),
                "status": .int(Int64(status.code)),
            ]), headers: headers)
    }

    /// Plain text (Prometheus metrics).
    static func text(_ text: String, contentType: String) -> ProxyResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        return ProxyResponse(status: .ok, headers: headers, body: ByteBuffer(string: text))
    }
}
