import Foundation

/// An OAuth 2.0 access token as Google's token endpoint and the Compute Engine metadata server answer it:
/// `{"access_token": "...", "expires_in": 3599, "token_type": "Bearer"}`.
package struct GoogleAccessToken: Sendable, Equatable {
    /// The token itself; send it as `Authorization: Bearer <value>` (see `authorization`).
    package let value: String
    /// Seconds the token stays valid, counted from when the answer was received.
    package let expiresIn: Int
    /// `Bearer` from both endpoints.
    package let tokenType: String

    package init(value: String, expiresIn: Int, tokenType: String = "Bearer") {
        self.value = value
        self.expiresIn = expiresIn
        self.tokenType = tokenType
    }

    /// - Throws: `ObjectStoreError.badResponse` when the body is not such an object, and `.configuration` when it is
    ///   Google's refusal (`{"error": "invalid_grant", "error_description": "..."}`), whose words it repeats.
    package init(json: Data) throws(ObjectStoreError) {
        guard let object = try? JSONSerialization.jsonObject(with: json), let fields = object as? [String: Any] else {
            throw .badResponse("The Google token answer is not a JSON object.")
        }
        if let error = fields["error"] as? String {
            let detail = (fields["error_description"] as? String).map { " (\($0))" } ?? ""
            throw .configuration("Google refused the token request: \(error)\(detail).")
        }
        guard let value = fields["access_token"] as? String, !value.isEmpty else {
            throw .badResponse("The Google token answer has no \"access_token\".")
        }
        let expiresIn: Int
        if let number = fields["expires_in"] as? Int {
            expiresIn = number
        } else if let text = fields["expires_in"] as? String, let number = Int(text) {
            expiresIn = number
        } else {
            throw .badResponse("The Google token answer has no whole-number \"expires_in\".")
        }
        let tokenType = fields["token_type"] as? String ?? "Bearer"
        guard tokenType.caseInsensitiveCompare("Bearer") == .orderedSame else {
            throw .badResponse("The Google token answer is of type \"\(tokenType)\", not a Bearer token.")
        }
        self.init(value: value, expiresIn: expiresIn, tokenType: tokenType)
    }

    /// The `Authorization` header value.
    package var authorization: String { "Bearer \(value)" }

    /// When to stop using the token, `margin` seconds early so that no request carries one that expires on the way.
    package func expiresAt(receivedAt: Date, margin: TimeInterval = 300) -> Date {
        receivedAt.addingTimeInterval(max(0, TimeInterval(expiresIn) - margin))
    }
}

// Interpolation, `String(reflecting:)` and `dump` must never reveal the token.
extension GoogleAccessToken: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String { "GoogleAccessToken(value: <redacted>, expiresIn: \(expiresIn), tokenType: \(tokenType))" }

    package var debugDescription: String { description }

    package var customMirror: Mirror {
        Mirror(self, children: ["value": "<redacted>", "expiresIn": expiresIn, "tokenType": tokenType])
    }
}
