/// What the router decided for one request.
enum ProxyAnswer: Sendable {
    /// A complete answer in memory (errors, admin endpoints).
    case buffered(ProxyResponse)
    /// A read: forwarded on the connection's event loop, its answer streamed to the client as it arrives.
    case read
    /// A write: captured, forwarded, and answered once its outcome is durable in the capture log.
    case write
}
