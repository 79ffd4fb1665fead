import Foundation
import _CryptoExtras

/// The signed JWT a service account trades for an access token (OAuth 2.0 JWT-bearer grant, RFC 7523), and the form body
/// that carries it to the token endpoint.
///
/// Google accepts an assertion for at most an hour, so each token request makes a new one; the access token it buys
/// lasts about as long, and should be renewed a few minutes before it runs out.
package struct GoogleJWTAssertion: Sendable {
    /// Read-only access to Cloud Storage: all a snapshot reader needs, and a leaked token can change nothing.
    package static let readOnlyScope = "https://www.googleapis.com/auth/devstorage.read_only"
    /// The `grant_type` of the token request.
    package static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    /// How long the assertion is valid: Google's maximum.
    static let lifetime = 3600

    /// `header.claims.signature`, each part base64url without padding.
    package let compact: String
    /// When Google stops accepting the assertion (`exp`).
    package let expiresAt: Date

    /// Signs the claims `iss`, `scope`, `aud` (the account's token URI), `exp` and `iat` (`issuedAt`, whole seconds) with
    /// RS256: RSASSA-PKCS1-v1_5 over SHA-256, the only algorithm Google's token endpoint accepts.
    ///
    /// - Throws: `ObjectStoreError.configuration` when the key cannot sign (it was checked when the file was read).
    package init(account: GoogleServiceAccount, issuedAt: Date, scope: String = readOnlyScope) throws(ObjectStoreError) {
        let iat = Int(issuedAt.timeIntervalSince1970.rounded(.down))
        let signingInput =
            Self.encodedHeader(keyID: account.privateKeyID) + "."
            + Self.encodedClaims(issuer: account.clientEmail, scope: scope, audience: account.tokenURI, issuedAt: iat)
        let signature: _RSA.Signing.RSASignature
        do {
            signature = try account.privateKey.signature(for: Data(signingInput.utf8), padding: .insecurePKCS1v1_5)
        } catch {
            throw .configuration("The Google service-account key of \(account.clientEmail) could not sign the token request.")
        }
        self.compact = signingInput + "." + Self.base64URL(signature.rawRepresentation)
        self.expiresAt = Date(timeIntervalSince1970: TimeInterval(iat + Self.lifetime))
    }

    /// The body of `POST tokenURI` with `Content-Type: application/x-www-form-urlencoded`. The assertion needs no escaping:
    /// base64url and dots are all unreserved.
    package var tokenRequestBody: String {
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(compact)"
    }

    /// `{"alg":"RS256","typ":"JWT","kid":...}`, base64url; without `kid` when the key file names no key id.
    static func encodedHeader(keyID: String?) -> String {
        var json = #"{"alg":"RS256","typ":"JWT""#
        if let keyID { json += #","kid":"# + jsonString(keyID) }
        return base64URL(Data((json + "}").utf8))
    }

    /// The claim set, base64url. The members come in the order of Google's published example (`exp` before `iat`) so that
    /// its encoding can be checked against it; the order means nothing to Google.
    static func encodedClaims(issuer: String, scope: String, audience: String, issuedAt: Int) -> String {
        let json =
            #"{"iss":"# + jsonString(issuer) + #","scope":"# + jsonString(scope) + #","aud":"# + jsonString(audience)
            + #","exp":"# + String(issuedAt + lifetime) + #","iat":"# + String(issuedAt) + "}"
        return base64URL(Data(json.utf8))
    }

    /// A JSON string literal. Written by hand because JSONSerialization escapes `/` (`https:\/\/...`), which would change
    /// the bytes signed without changing their meaning.
    static func jsonString(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Base64url without padding (RFC 7515, section 2).
    static func base64URL(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}

// The assertion buys a token for an hour: interpolation, `String(reflecting:)` and `dump` must not reveal it.
extension GoogleJWTAssertion: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String { "GoogleJWTAssertion(compact: <redacted>, expiresAt: \(expiresAt))" }

    package var debugDescription: String { description }

    package var customMirror: Mirror {
        Mirror(self, children: ["compact": "<redacted>", "expiresAt": expiresAt])
    }
}
