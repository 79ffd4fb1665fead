import NIOCore
import NIOHTTP1

/// One request as it leaves the client: authenticated, with every header set.
package struct TransportRequest: Sendable {
    package var method: HTTPMethod
    /// Scheme, host, port, path and query string, percent-encoded.
    package var url: String
    package var headers: HTTPHeaders
    package var body: ByteBuffer?

    package init(method: HTTPMethod, url: String, headers: HTTPHeaders, body: ByteBuffer?) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The path and query string (`/logs/_search?scroll=1m`), what the server's router sees.
    package var target: String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
    }
}
