import Foundation
import TernCore

/// Adds the headers that prove who Tern is, for one request.
struct RequestAuthenticator: Sendable {
    let auth: AuthConfiguration
    private let signer: AWSSigV4Signer?

    init(auth: AuthConfiguration) {
        self.auth = auth
        if case .awsSigV4(let region, let service, let accessKeyID, let secretAccessKey, let sessionToken) = auth {
            signer = AWSSigV4Signer(
                credentials: AWSCredentials(
                    accessKeyID: accessKeyID.value, secretAccessKey: secretAccessKey.value, sessionToken: sessionToken?.value),
                region: region, service: service)
        } else {
            signer = nil
        }
    }

    /// The headers to add. `headers` are those already set (SigV4 signs them); `host` is `host[:port]` as sent.
    func headers(
        method: String, path: String, query: String?, host: String, headers: [(name: String, value: String)], body: some Collection<UInt8>
    ) -> [(name: String, value: String)] {
        switch auth {
        case .none:
            return []
        case .basic(let username, let password):
            let token = Data("\(username):\(password.value)".utf8).base64EncodedString()
            return [("Authorization", "Basic \(token)")]
        case .apiKey(let key):
            return [("Authorization", "ApiKey \(key.value)")]
        case .bearer(let token):
            return [("Authorization", "Bearer \(token.value)")]
        case .awsSigV4(_, let service, _, _, _):
            guard let signer else { return [] }
            let signed = [("Host", host)] + headers
            return signer.signatureHeaders(
                method: method, path: path, query: query, headers: signed.map { (name: $0.0, value: $0.1) }, body: body,
                date: Date(), includeContentHash: service == "aoss")
        }
    }
}
