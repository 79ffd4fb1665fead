/// One entry of the capture log: a write request as a client sent it, or the source cluster's answer to it.
///
/// A request and its response share an `exchange` id. Credentials never reach a record: headers named in
/// ``CaptureHeader`` as forbidden are dropped on creation and again on encoding.
public struct CaptureRecord: Sendable, Equatable {
    /// Whether the record holds a request or a response.
    public enum Kind: UInt8, Sendable, Hashable {
        case request = 1
        case response = 2
    }

    public var kind: Kind
    /// Pairs a request with its response; strictly increasing in the order the proxy asked for ids.
    public var exchange: UInt64
    /// When the proxy received the request or the answer (Unix epoch, milliseconds).
    public var timestampMillis: Int64
    /// The HTTP method of a request (`PUT`); empty for a response.
    public var method: String
    /// The request target as received, path and query (`/books/_doc/1?refresh=true`); empty for a response.
    public var target: String
    /// The few headers the replayer needs (content type and encoding).
    public var headers: [CaptureHeader]
    /// The HTTP status of a response; 0 when the source gave no answer (outcome unknown). 0 for a request.
    public var status: Int
    public var body: [UInt8]

    /// A request record.
    /// - Parameters:
    ///   - exchange: the id from ``CaptureLogWriter/nextExchange()``.
    ///   - timestampMillis: when the proxy received the request.
    ///   - method: the HTTP method.
    ///   - target: the path and query as received.
    ///   - headers: the headers to keep; credentials are dropped.
    ///   - body: the request body as received.
    public static func request(
        exchange: UInt64, timestampMillis: Int64, method: String, target: String, headers: [CaptureHeader] = [], body: [UInt8] = []
    ) -> CaptureRecord {
        CaptureRecord(
            kind: .request, exchange: exchange, timestampMillis: timestampMillis, method: method, target: target,
            headers: headers.filter(\.isAllowed), status: 0, body: body)
    }

    /// A response record.
    /// - Parameters:
    ///   - exchange: the id of the request this answers.
    ///   - timestampMillis: when the answer arrived (or the proxy gave up on it).
    ///   - status: the HTTP status, 0 when the source gave no answer.
    ///   - headers: the headers to keep (content encoding); credentials are dropped.
    ///   - body: the response body as received.
    public static func response(
        exchange: UInt64, timestampMillis: Int64, status: Int, headers: [CaptureHeader] = [], body: [UInt8] = []
    ) -> CaptureRecord {
        CaptureRecord(
            kind: .response, exchange: exchange, timestampMillis: timestampMillis, method: "", target: "",
            headers: headers.filter(\.isAllowed), status: status, body: body)
    }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
