import Foundation

/// An AWS answer that carries no usable result: a service error (`SlowDown`, `AccessDenied`, `ExpiredToken`) with AWS's own
/// message, or an answer that cannot be read.
///
/// The description is one sentence for an operator. It quotes AWS's code and message but never the answer's bytes, which
/// could hold credentials.
package struct AWSResponseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The service's error code; nil when the answer was not an error document but could not be read.
    package var code: String?
    package var message: String
    /// Which answer (`STS AssumeRole`, `S3 ListObjectsV2`, `the container credentials endpoint`).
    package var source: String

    package init(code: String?, message: String, source: String) {
        self.code = code
        self.message = message
        self.source = source
    }

    package var description: String {
        guard let code else { return "The answer of \(source) cannot be read: \(message)." }
        let text = message.isEmpty ? "" : ": " + message.trimmingCharacters(in: CharacterSet(charactersIn: " ."))
        return "\(source) refused the request with \(code)\(text)."
    }

    /// Codes that a retry after a pause can cure (throttling, a busy or failing server, a clock or token refresh race).
    package var isRetryable: Bool {
        guard let code else { return false }
        return [
            "SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
            "InternalError", "InternalFailure", "ServiceUnavailable", "RequestTimeout", "IDPCommunicationError",
        ].contains(code)
    }

    /// The error document of an S3 (`<Error><Code>…`) or Query-protocol (`<ErrorResponse><Error><Code>…`, STS) answer, or
    /// nil when the bytes are not one.
    package static func parse(xml data: Data, source: String) -> AWSResponseError? {
        guard let root = AWSXMLElement.parse(data) else { return nil }
        return parse(root, source: source)
    }

    static func parse(_ root: AWSXMLElement, source: String) -> AWSResponseError? {
        guard root.name == "Error" || root.name == "ErrorResponse", let error = root.first(named: "Error"),
            let code = error.value("Code"), !code.isEmpty
        else { return nil }
        return AWSResponseError(code: code, message: error.value("Message") ?? "", source: source)
    }
}
