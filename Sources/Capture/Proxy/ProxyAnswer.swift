import AsyncHTTPClient

/// How the proxy answers one request.
enum ProxyAnswer: Sendable {
    /// A complete answer in memory (captured writes, errors, admin endpoints).
    case buffered(ProxyResponse)
    /// An upstream answer whose body is streamed to the client as it arrives (reads).
    case streamed(HTTPClientResponse)
}
