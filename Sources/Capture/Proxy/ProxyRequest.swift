import NIOCore
import NIOHTTP1

/// One client request, body aggregated.
struct ProxyRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    /// When the head arrived (Unix epoch, milliseconds).
    var receivedAtMillis: Int64

    /// The path without the query.
    var path: Substring {
        head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    }
}
