import NIOCore

/// What carries one request to a cluster and brings its whole answer back.
///
/// ``SearchClient`` keeps everything else (retries, endpoints, authentication, error sentences) above this line, so
/// that tests of that logic can answer in memory (`InMemoryTransport`) where a real server adds nothing. Errors are
/// thrown as the transport meets them; the client turns them into sentences.
package protocol HTTPTransport: Sendable {
    /// Sends `request` and collects the answer, up to ``SearchClient/maxResponseBytes``.
    func execute(_ request: TransportRequest, timeout: Duration) async throws -> SearchResponse

    /// Closes what the transport holds open.
    func shutdown() async throws
}
