/// An error a person can act on: one sentence saying what went wrong, where, and what to do, plus the exit code.
///
/// Errors are values with a stable `kind` for tests and scripts and a `message` for people; new kinds can be added
/// without breaking callers because `Kind` is a struct of static constants.
public struct TernError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable identifier of the kind of failure.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public let exitCode: TernExitCode

        /// Kinds are declared once, as static constants beside the code that throws them (`TernError+Capture.swift`),
        /// never made up where an error is thrown.
        package init(_ name: String, exitCode: TernExitCode) {
            self.name = name
            self.exitCode = exitCode
        }

        public var description: String { name }

        /// The configuration file or a flag is wrong.
        public static let configuration = Kind("configuration", exitCode: .usage)
        /// The host name does not resolve.
        public static let dnsFailure = Kind("dns-failure", exitCode: .unreachable)
        /// Nothing listens on the port.
        public static let connectionRefused = Kind("connection-refused", exitCode: .unreachable)
        /// No connection or no answer within the timeout.
        public static let timeout = Kind("timeout", exitCode: .unreachable)
        /// The TLS handshake failed (untrusted certificate, wrong protocol, name mismatch).
        public static let tls = Kind("tls", exitCode: .unreachable)
        /// HTTP 401: the credentials were refused.
        public static let authentication = Kind("authentication", exitCode: .unreachable)
        /// HTTP 403: the credentials lack a privilege.
        public static let authorization = Kind("authorization", exitCode: .unreachable)
        /// The server answered, but it is not Elasticsearch or OpenSearch.
        public static let notASearchCluster = Kind("not-a-search-cluster", exitCode: .unreachable)
        /// The response could not be parsed or ended early.
        public static let badResponse = Kind("bad-response", exitCode: .unreachable)
        /// The connection broke for another reason.
        public static let connection = Kind("connection", exitCode: .unreachable)
        /// The cluster answers, but says it cannot serve (no elected master, red state, 503).
        public static let clusterUnavailable = Kind("cluster-unavailable", exitCode: .unreachable)
        /// The cluster answered a request with an error status.
        public static let httpStatus = Kind("http-status", exitCode: .failure)
        /// A value given to the command (such as a version) cannot be used.
        public static let invalidArgument = Kind("invalid-argument", exitCode: .usage)
        /// The work ran and found failures or differences.
        public static let failedChecks = Kind("failed-checks", exitCode: .failure)
    }

    public let kind: Kind
    /// One sentence: what, where, what to do.
    public let message: String
    /// The exit code when it follows the cause rather than the kind (a step that failed because a cluster is
    /// unreachable exits 3, one whose check failed 1).
    private let causeExitCode: TernExitCode?

    public init(_ kind: Kind, _ message: String, exitCode: TernExitCode? = nil) {
        self.kind = kind
        self.message = message
        self.causeExitCode = exitCode
    }

    public var exitCode: TernExitCode { causeExitCode ?? kind.exitCode }
    public var description: String { message }

    /// A configuration error naming the key (and line, when known).
    public static func configuration(_ message: String) -> TernError {
        TernError(.configuration, message)
    }
}
