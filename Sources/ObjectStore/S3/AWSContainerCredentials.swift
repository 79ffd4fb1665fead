import Foundation
import SearchClient

/// The credentials document of the container endpoint (ECS task roles, EKS Pod Identity) and of the EC2 instance metadata
/// service: `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}`, the two sharing one format.
package struct AWSContainerCredentials: Sendable, Equatable {
    package var credentials: AWSCredentials
    /// When the credentials stop working; nil when the endpoint gives none (long-lived keys behind a local endpoint).
    package var expiration: Date?

    package init(credentials: AWSCredentials, expiration: Date?) {
        self.credentials = credentials
        self.expiration = expiration
    }

    /// Reads the document; IMDS's `"Code"` other than `Success`, or the container endpoint's `{"code", "message"}` error,
    /// throws with that code.
    package init(json data: Data, source: String = "the container credentials endpoint") throws(AWSResponseError) {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw AWSResponseError(code: nil, message: "it is not a JSON object of credentials", source: source)
        }
        if let code = document.imdsCode, code != "Success" {
            throw AWSResponseError(code: code, message: document.imdsMessage ?? "", source: source)
        }
        if let code = document.errorCode {
            throw AWSResponseError(code: code, message: document.errorMessage ?? "", source: source)
        }
        guard let accessKeyID = document.accessKeyID, !accessKeyID.isEmpty, let secret = document.secretAccessKey, !secret.isEmpty else {
            throw AWSResponseError(code: nil, message: "it has no AccessKeyId and SecretAccessKey", source: source)
        }
        var expiration: Date?
        if let text = document.expiration {
            guard let date = AWSTimestamp.parse(text) else {
                throw AWSResponseError(code: nil, message: "the Expiration '\(text)' is not an ISO 8601 time", source: source)
            }
            expiration = date
        }
        let token = document.token.flatMap { $0.isEmpty ? nil : $0 }
        credentials = AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token)
        self.expiration = expiration
    }

    /// The fields AWS sends; unknown ones (`LastUpdated`, `Type`, `AccountId`, `RoleArn`) are ignored.
    private struct Document: Decodable {
        var accessKeyID: String?
        var secretAccessKey: String?
        var token: String?
        var expiration: String?
        /// IMDS: `Success`, or why not.
        var imdsCode: String?
        var imdsMessage: String?
        /// The container endpoint's error.
        var errorCode: String?
        var errorMessage: String?

        enum CodingKeys: String, CodingKey {
            case accessKeyID = "AccessKeyId"
            case secretAccessKey = "SecretAccessKey"
            case token = "Token"
            case expiration = "Expiration"
            case imdsCode = "Code"
            case imdsMessage = "Message"
            case errorCode = "code"
            case errorMessage = "message"
        }
    }
}
