import NIOCore

/// Where the capture proxy records the writes it forwards: the capture log, seen from the proxy.
///
/// The proxy calls ``recordRequest(exchange:timestampMillis:method:uri:headers:body:)`` before it forwards a write and
/// ``recordResponse(exchange:timestampMillis:status:headers:body:)`` after the cluster answered, and answers the client only
/// when the response record is durable. Headers never include credentials (`Authorization`, cookies): the proxy strips them.
public protocol CaptureSink: Sendable {
    /// A new exchange id; request and response records of one client request share it.
    func nextExchange() -> UInt64

    /// Records a write as the client sent it, before it is forwarded. It need not be durable yet: the response record that
    /// follows is, and it covers this one. Called on an event loop: it may write to the page cache but must not wait for a
    /// sync.
    /// - Parameters:
    ///   - exchange: the id from ``nextExchange()``.
    ///   - timestampMillis: when the proxy received the request (Unix epoch, milliseconds).
    ///   - method: the HTTP method (`PUT`).
    ///   - uri: the request target as sent, path and query (`/books/_doc/1?refresh=true`).
    ///   - headers: the end-to-end headers, without credentials.
    ///   - body: the request body (empty when there is none).
    func recordRequest(
        exchange: UInt64, timestampMillis: Int64, method: String, uri: String, headers: [(name: String, value: String)],
        body: ByteBuffer
    ) throws

    /// Records the cluster's answer to a write; `whenDurable` runs (on any thread) once it and the request record before it
    /// are durable, or with the error that kept them from becoming so.
    /// - Parameters:
    ///   - status: the HTTP status, or 0 when the outcome is unknown (the connection failed after the request was sent).
    ///   - headers: the end-to-end response headers.
    ///   - body: the response body (for `POST /index/_doc` it holds the generated `_id`).
    ///   - whenDurable: called exactly once with the outcome.
    func recordResponse(
        exchange: UInt64, timestampMillis: Int64, status: Int, headers: [(name: String, value: String)], body: ByteBuffer,
        whenDurable: @escaping @Sendable (Result<Void, any Error>) -> Void
    )

    /// Where the log stands (file and offset of the last durable record), for the status endpoint; `nil` when unknown.
    var positionDescription: String? { get }

    /// Records written and `fsync`s done so far, for the status: how group commit batches under load.
    var syncStatistics: (records: Int, syncs: Int)? { get }
}

extension CaptureSink {
    public var positionDescription: String? { nil }
    public var syncStatistics: (records: Int, syncs: Int)? { nil }
}
