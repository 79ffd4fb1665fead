import NIOHTTP1

/// Which headers cross the proxy, in which direction, and which may be written to the capture log.
enum ProxyHeaders {
    /// Headers that describe one connection, not the message (RFC 9110 section 7.6.1), plus the non-standard ones that
    /// behave like them.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection",
        "proxy-authenticate", "proxy-authorization",
    ]
    /// Headers that carry credentials: never written to the capture log.
    static let credentials: Set<String> = ["authorization", "proxy-authorization", "cookie", "x-tern-token"]

    /// The end-to-end headers of `headers`: hop-by-hop ones removed, and those the `Connection` header names.
    static func endToEnd(_ headers: HTTPHeaders) -> HTTPHeaders {
        let named = Set(headers[canonicalForm: "connection"].map { $0.lowercased() })
        var result = HTTPHeaders()
        for (name, value) in headers {
            let lowered = name.lowercased()
            if hopByHop.contains(lowered) || named.contains(lowered) || lowered.hasPrefix("proxy-") { continue }
            result.add(name: name, value: value)
        }
        return result
    }

    /// The client's headers as sent upstream. `Host` is the upstream's, `Content-Length` follows the aggregated body,
    /// and `Expect` was already answered by the proxy.
    static func upstreamRequest(_ headers: HTTPHeaders) -> HTTPHeaders {
        var result = endToEnd(headers)
        for name in ["host", "content-length", "expect", "x-tern-token"] { result.remove(name: name) }
        return result
    }

    /// The headers written to the capture log: end to end, without credentials or framing.
    static func recordable(_ headers: HTTPHeaders) -> [(name: String, value: String)] {
        endToEnd(headers).compactMap { name, value in
            let lowered = name.lowercased()
            if credentials.contains(lowered) || lowered == "content-length" || lowered == "host" || lowered == "expect" { return nil }
            return (name, value)
        }
    }

    /// The upstream's response headers as returned to the client; framing is set by the proxy.
    static func downstreamResponse(_ headers: HTTPHeaders, keepLength: Bool) -> HTTPHeaders {
        var result = endToEnd(headers)
        if !keepLength { result.remove(name: "content-length") }
        return result
    }
}
