/// Why one exchange with an object store failed, and whether trying again may help.
package struct BlobFailure: Error, Sendable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// The store asks to slow down (`503 SlowDown`, `429`, Azure `ServerBusy`) or had a passing fault (500, 502, 504).
        case throttled
        /// The connection was refused, reset or timed out, or the body ended early.
        case transport
        /// The credentials were refused (401, 403).
        case denied
        /// No such bucket or blob (404).
        case notFound
        /// Anything else: a request the store will never accept.
        case other
    }

    package var kind: Kind
    package var description: String
    /// The wait the store asked for (`Retry-After`), in seconds.
    package var retryAfter: Double?

    package init(_ kind: Kind, _ description: String, retryAfter: Double? = nil) {
        self.kind = kind
        self.description = description
        self.retryAfter = retryAfter
    }

    package var isRetryable: Bool { kind == .throttled || kind == .transport }
}
