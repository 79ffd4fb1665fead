import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// An OAuth access token for Cloud Storage, fetched when first needed and again a minute before it expires: from
/// Google's token endpoint with a signed JWT (service account), or from the metadata server.
final class GoogleTokenProvider: Sendable {
    enum Source: Sendable {
        case serviceAccount(GoogleServiceAccount)
        case metadataServer(host: String)
    }

    let source: Source
    private let cached = Mutex<(token: String, expires: Date)?>(nil)

    init(source: Source) {
        self.source = source
    }

    func token() throws(BlobFailure) -> String {
        if let current = cached.withLock({ $0 }), current.expires.timeIntervalSinceNow > 60 { return current.token }
        let fresh = try fetch()
        cached.withLock { $0 = fresh }
        return fresh.token
    }

    private func fetch() throws(BlobFailure) -> (token: String, expires: Date) {
        let answer: BlobHTTP.Answer
        switch source {
        case .serviceAccount(let account):
            let what = "fetching a Google access token from \(account.tokenURI)"
            // Refusals (400 invalid_grant, 401 invalid_client) are read here: their `{"error": "...", "error_description":
            // "..."}` is not the error shape BlobHTTP reads, which would leave only "HTTP 400".
            answer = try BlobHTTP.shared.send(what, accept: [200, 400, 401, 403]) { () throws(BlobFailure) in
                let assertion: GoogleJWTAssertion
                do {
                    assertion = try GoogleJWTAssertion(account: account, issuedAt: Date())
                } catch {
                    throw BlobFailure(.other, "cannot sign the token request: \(error)")
                }
                do {
                    return try HTTPClient.Request(
                        url: account.tokenURI, method: .POST, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                        body: .string(assertion.tokenRequestBody))
                } catch {
                    throw BlobFailure(.other, "cannot address \(account.tokenURI): \(error)")
                }
            }
            if answer.status != .ok {
                do {
                    _ = try GoogleAccessToken(json: Data(buffer: answer.body))
                } catch  where error.kind == .configuration {
                    throw BlobFailure(.denied, "\(what): \(error.message)")
                } catch {}
                throw BlobHTTP.failure(answer, what: what)
            }
        case .metadataServer(let host):
            let url = "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token"
            answer = try BlobHTTP.shared.send(
                "fetching an access token from the metadata server \(host) (set GOOGLE_APPLICATION_CREDENTIALS when not on Google Cloud)"
            ) { () throws(BlobFailure) in
                do {
                    return try HTTPClient.Request(url: url, method: .GET, headers: ["Metadata-Flavor": "Google"])
                } catch {
                    throw BlobFailure(.other, "cannot address \(url): \(error)")
                }
            }
        }
        do {
            let token = try GoogleAccessToken(json: Data(buffer: answer.body))
            return (token.value, token.expiresAt(receivedAt: Date(), margin: 0))
        } catch {
            throw BlobFailure(.other, "the token answer cannot be read: \(error)")
        }
    }
}
