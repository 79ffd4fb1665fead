import Foundation
import _CryptoExtras

/// A Google service-account key file (the JSON the console downloads, `GOOGLE_APPLICATION_CREDENTIALS`): who signs the
/// token request, with which key, and where to send it.
///
/// The private key is parsed when the file is read, so a damaged key is reported before any request.
package struct GoogleServiceAccount: Sendable {
    /// The account's address, the JWT's `iss`.
    package let clientEmail: String
    /// Which of the account's keys this is, the JWT header's `kid`; Google finds the key faster with it.
    package let privateKeyID: String?
    /// Where to exchange the signed JWT for an access token, also the JWT's `aud`.
    package let tokenURI: String
    /// The RSA key that signs the JWT.
    let privateKey: _RSA.Signing.PrivateKey

    /// Google's token endpoint, for key files that name none.
    package static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    /// - Throws: `ObjectStoreError.configuration` naming the missing or wrong field; it never quotes the key.
    package init(json: Data) throws(ObjectStoreError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw .configuration("The Google service-account key file is not valid JSON.")
        }
        guard let fields = object as? [String: Any] else {
            throw .configuration("The Google service-account key file is not a JSON object.")
        }
        func string(_ name: String) throws(ObjectStoreError) -> String? {
            guard let value = fields[name] else { return nil }
            guard let text = value as? String else {
                throw .configuration("The Google service-account key file's \"\(name)\" field is not a string.")
            }
            return text
        }
        func required(_ name: String) throws(ObjectStoreError) -> String {
            guard let text = try string(name), !text.isEmpty else {
                throw .configuration("The Google service-account key file has no \"\(name)\" field.")
            }
            return text
        }

        let type = try required("type")
        guard type == "service_account" else {
            throw .configuration(
                "The Google credentials file is of type \"\(type)\", not \"service_account\": give a service-account key file."
            )
        }
        let clientEmail = try required("client_email")
        let pem = try required("private_key")
        let keyID = try string("private_key_id")
        let tokenURI = try string("token_uri") ?? Self.defaultTokenURI
        guard let url = URL(string: tokenURI), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host != nil
        else {
            throw .configuration("The Google service-account key file's \"token_uri\" is not an http or https URL.")
        }
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw .configuration(
                "The Google service-account key file's \"private_key\" is not an RSA private key of 2048 bits or more in PEM form."
            )
        }
        self.clientEmail = clientEmail
        self.privateKeyID = keyID?.isEmpty == true ? nil : keyID
        self.tokenURI = tokenURI
        self.privateKey = key
    }
}

// Interpolation, `String(reflecting:)` and `dump` must never reveal the private key.
extension GoogleServiceAccount: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String {
        "GoogleServiceAccount(clientEmail: \(clientEmail), privateKeyID: \(privateKeyID ?? "nil"), tokenURI: \(tokenURI), "
            + "privateKey: <redacted>)"
    }

    package var debugDescription: String { description }

    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "clientEmail": clientEmail, "privateKeyID": privateKeyID ?? "nil", "tokenURI": tokenURI, "privateKey": "<redacted>",
            ]
        )
    }
}
