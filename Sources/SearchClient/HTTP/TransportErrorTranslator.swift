import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TernCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns what NIO and AsyncHTTPClient throw into one sentence an operator can act on.
///
/// The failure types come from several libraries and nest (a DNS failure hides inside `NIOConnectionError`);
/// this is the one place that knows them.
struct TransportErrorTranslator {
    /// `source cluster at https://host:9200`
    let subject: String
    let host: String
    let port: Int
    let isTLS: Bool
    let connectTimeout: Duration
    let requestTimeout: Duration
    let role: String

    /// Whether another attempt may succeed (a refused or broken connection, a timeout), as opposed to a configuration problem.
    static func isRetryable(_ error: TernError) -> Bool {
        error.kind == .connectionRefused || error.kind == .timeout || error.kind == .connection
    }

    func translate(_ error: any Error) -> TernError {
        if let error = error as? TernError { return error }
        if let error = error as? NIOConnectionError { return translate(connection: error) }
        if let error = error as? HTTPClientError { return translate(client: error) }
        if let error = error as? NIOSSLError { return translate(tls: error) }
        if let error = error as? IOError { return translate(errno: error.errnoCode, detail: "\(error)") }
        if let error = error as? ChannelError { return translate(channel: error) }
        if let error = error as? HTTPParserError {
            if error == .invalidEOFState {
                return TernError(
                    .badResponse,
                    "The \(subject) sent a response that ended before its Content-Length; the connection broke or a proxy cut it, try again."
                )
            }
            return garbled("\(error)")
        }
        if error is SocketAddressError { return dnsFailure() }
        if let error = error as? NIOSSLExtraError {
            return TernError(
                .tls,
                "The TLS connection to the \(subject) failed (\(error)); check that the certificate matches the host name \(host), or set \(role).tls.ca_file."
            )
        }
        return TernError(.connection, "The connection to the \(subject) failed: \(error).")
    }

    private func translate(connection error: NIOConnectionError) -> TernError {
        if error.connectionErrors.isEmpty && (error.dnsAError != nil || error.dnsAAAAError != nil) {
            return dnsFailure()
        }
        if let first = error.connectionErrors.first {
            return translate(first.error)
        }
        return TernError(.connection, "Cannot connect to the \(subject): \(error).")
    }

    private func translate(client error: HTTPClientError) -> TernError {
        switch error {
        case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
            return connectTimedOut()
        case .readTimeout, .deadlineExceeded:
            return TernError(
                .timeout,
                "The \(subject) accepted the connection but did not answer within \(seconds(requestTimeout)); check the cluster's load, or raise \(role).timeouts.request."
            )
        case .remoteConnectionClosed:
            return TernError(
                .connection,
                "The \(subject) closed the connection before the response was complete; the server may have crashed, a proxy may cut the connection, or this is \(isTLS ? "not a TLS port (try http://)" : "a TLS port (try https://)")."
            )
        case .bodyLengthMismatch:
            return garbled("the body is shorter than its Content-Length")
        case .invalidURL, .emptyHost, .emptyScheme:
            return TernError.configuration("The \(role) endpoint is not a usable URL (\(error)); write it like https://host:9200.")
        default:
            return TernError(.connection, "The request to the \(subject) failed: \(error).")
        }
    }

    private func translate(tls error: NIOSSLError) -> TernError {
        let detail = "\(error)"
        if detail.contains("CERTIFICATE_VERIFY_FAILED") || detail.contains("certificate verify failed") {
            return TernError(
                .tls,
                "The TLS certificate of the \(subject) is not trusted (self-signed or signed by an unknown CA); set \(role).tls.ca_file to the cluster's CA file, or \(role).tls.insecure: true for a throwaway test cluster."
            )
        }
        if detail.contains("WRONG_VERSION_NUMBER") || detail.contains("PACKET_LENGTH_TOO_LONG") || detail.contains("HTTP_REQUEST") {
            return TernError(.tls, "The \(subject) does not speak TLS on port \(port); use http:// instead of https://.")
        }
        if case .handshakeFailed = error {
            return TernError(
                .tls, "The TLS handshake with the \(subject) failed (\(detail)); check the URL scheme, the certificate and \(role).tls.")
        }
        if case .uncleanShutdown = error {
            return TernError(
                .connection, "The \(subject) closed the TLS connection without a proper shutdown before the answer was complete.")
        }
        return TernError(.tls, "TLS with the \(subject) failed: \(detail).")
    }

    private func translate(channel error: ChannelError) -> TernError {
        switch error {
        case .connectTimeout:
            return connectTimedOut()
        case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
            return TernError(.connection, "The \(subject) closed the connection before the response was complete.")
        default:
            return TernError(.connection, "The connection to the \(subject) failed: \(error).")
        }
    }

    private func translate(errno code: Int32, detail: String) -> TernError {
        switch code {
        case ECONNREFUSED:
            return TernError(
                .connectionRefused,
                "Connection refused by \(host):\(port) (\(role) cluster): nothing listens there; check that the cluster runs and the port in the URL."
            )
        case ETIMEDOUT:
            return connectTimedOut()
        case EHOSTUNREACH, ENETUNREACH:
            return TernError(
                .connection,
                "The host \(host) (\(role) cluster) is unreachable from this machine: no route to it; check the address, the VPN or the network."
            )
        case ECONNRESET, EPIPE:
            return TernError(
                .connection, "The \(subject) reset the connection; the server may have crashed or a proxy may cut the connection.")
        default:
            return TernError(.connection, "The connection to the \(subject) failed: \(detail).")
        }
    }

    private func connectTimedOut() -> TernError {
        TernError(
            .timeout,
            "No connection to the \(subject) within \(seconds(connectTimeout)): the host does not answer on port \(port); check the address and firewalls, or raise \(role).timeouts.connect."
        )
    }

    private func dnsFailure() -> TernError {
        TernError(
            .dnsFailure,
            "Cannot resolve the host name '\(host)' of the \(role) cluster: check the spelling in the URL and this machine's DNS.")
    }

    private func garbled(_ detail: String) -> TernError {
        TernError(
            .badResponse,
            "The \(subject) sent a response that is not valid HTTP (\(detail)); is the URL pointing at an Elasticsearch or OpenSearch HTTP port\(isTLS ? "" : " (or does it need https://)")?"
        )
    }

    private func seconds(_ duration: Duration) -> String {
        let ms = duration.inMilliseconds
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}
