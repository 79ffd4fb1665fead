import NIOCore
@_exported import NIOHTTP1
import TernCore

/// A complete answer from a cluster.
public struct SearchResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    /// The body as received (after gzip decoding), untouched.
    public var body: ByteBuffer

    public init(status: Int, headers: HTTPHeaders, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as bytes.
    public var bytes: [UInt8] { Array(body.readableBytesView) }

    /// The body parsed as JSON, or nil when it is not JSON.
    public func json() -> JSONValue? {
        try? JSONValue.parse(body.readableBytesView)
    }

    /// The `error.type` and `error.reason` of an Elasticsearch/OpenSearch error body, when there is one.
    public var errorSummary: String? {
        guard let json = json(), let error = json["error"] else { return nil }
        if let reason = error["reason"]?.stringValue {
            let type = error["type"]?.stringValue.map { "\($0): " } ?? ""
            return type + reason
        }
        return error.stringValue
    }
}
