import Foundation
import SearchClient

/// The temporary credentials of an STS `AssumeRole` or `AssumeRoleWithWebIdentity` answer, and the form bodies of those
/// requests (Query protocol, `POST /` with `application/x-www-form-urlencoded`).
package struct STSCredentialsResponse: Sendable, Equatable {
    package var credentials: AWSCredentials
    /// When STS stops accepting the credentials; refresh a few minutes before.
    package var expiration: Date

    package init(credentials: AWSCredentials, expiration: Date) {
        self.credentials = credentials
        self.expiration = expiration
    }

    /// Reads `<AssumeRoleResponse><AssumeRoleResult><Credentials>` (or the `…WithWebIdentity…` names); an STS error document
    /// or an incomplete answer throws.
    package init(xml data: Data, action: String = "STS") throws(AWSResponseError) {
        guard let root = AWSXMLElement.parse(data) else {
            throw AWSResponseError(code: nil, message: "it is not XML", source: action)
        }
        if let error = AWSResponseError.parse(root, source: action) {
            throw error
        }
        guard let result = root.children.first(where: { $0.name.hasSuffix("Result") }), let fields = result.child("Credentials") else {
            throw AWSResponseError(code: nil, message: "it has no \(root.name)/…Result/Credentials element", source: action)
        }
        // Credentials never contain whitespace; the API reference samples wrap the session token over several lines.
        func field(_ name: String) throws(AWSResponseError) -> String {
            guard let text = fields.value(name), !text.isEmpty else {
                throw AWSResponseError(code: nil, message: "Credentials has no \(name)", source: action)
            }
            return text.filter { !$0.isWhitespace }
        }
        let expirationText = try field("Expiration")
        guard let expiration = AWSTimestamp.parse(expirationText) else {
            throw AWSResponseError(code: nil, message: "the Expiration '\(expirationText)' is not an ISO 8601 time", source: action)
        }
        credentials = AWSCredentials(
            accessKeyID: try field("AccessKeyId"), secretAccessKey: try field("SecretAccessKey"), sessionToken: try field("SessionToken"))
        self.expiration = expiration
    }

    /// The form body of `AssumeRole`; `durationSeconds` nil leaves STS's default of one hour.
    package static func assumeRoleBody(roleARN: String, sessionName: String, externalID: String? = nil, durationSeconds: Int? = 3600)
        -> String
    {
        var parameters = [
            ("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", roleARN), ("RoleSessionName", sessionName),
        ]
        if let externalID { parameters.append(("ExternalId", externalID)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        return PercentEncoding.query(parameters)
    }

    /// The form body of `AssumeRoleWithWebIdentity`, which is sent unsigned: the token is the proof.
    package static func assumeRoleWithWebIdentityBody(
        roleARN: String, sessionName: String, webIdentityToken: String, durationSeconds: Int? = 3600
    ) -> String {
        var parameters = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN), ("RoleSessionName", sessionName),
        ]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        parameters.append(("WebIdentityToken", webIdentityToken))
        return PercentEncoding.query(parameters)
    }

    /// A session name when the profile gives none: STS wants 2 to 64 of `[A-Za-z0-9_=,.@-]`, and the time tells sessions
    /// apart in CloudTrail.
    package static func defaultSessionName(at date: Date) -> String {
        "tern-\(Int(date.timeIntervalSince1970))"
    }
}
