import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SearchClient
import Synchronization

/// Credentials for signing, carried out from an `AWSCredentialPlan`: static keys, STS AssumeRole (with the source's
/// credentials), AssumeRoleWithWebIdentity (Kubernetes service accounts), the container endpoint (ECS, EKS Pod
/// Identity) or IMDSv2. Temporary credentials are fetched again five minutes before they expire.
final class AWSCredentialProvider: Sendable {
    let plan: AWSCredentialPlan
    let region: String
    let stsEndpoint: URL
    private let cached = Mutex<(credentials: AWSCredentials, expires: Date?)?>(nil)

    init(plan: AWSCredentialPlan, region: String, stsEndpoint: URL) {
        self.plan = plan
        self.region = region
        self.stsEndpoint = stsEndpoint
    }

    func credentials() throws(BlobFailure) -> AWSCredentials {
        if let current = cached.withLock({ $0 }), (current.expires?.timeIntervalSinceNow ?? .infinity) > 300 {
            return current.credentials
        }
        let fresh = try resolve(plan)
        cached.withLock { $0 = fresh }
        return fresh.credentials
    }

    private func resolve(_ plan: AWSCredentialPlan) throws(BlobFailure) -> (credentials: AWSCredentials, expires: Date?) {
        switch plan {
        case .static(let credentials, _):
            return (credentials, nil)
        case .webIdentity(let roleARN, let tokenFile, let sessionName):
            guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
                !token.isEmpty
            else {
                throw BlobFailure(.denied, "cannot read the web identity token file \(tokenFile) (AWS_WEB_IDENTITY_TOKEN_FILE)")
            }
            let body = STSCredentialsResponse.assumeRoleWithWebIdentityBody(
                roleARN: roleARN, sessionName: sessionName ?? STSCredentialsResponse.defaultSessionName(at: Date()), webIdentityToken: token
            )
            return try sts(body: body, action: "AssumeRoleWithWebIdentity", signWith: nil)
        case .assumeRole(let roleARN, let sessionName, let externalID, let duration, let source):
            let sourceCredentials = try resolve(source).credentials
            let body = STSCredentialsResponse.assumeRoleBody(
                roleARN: roleARN, sessionName: sessionName ?? STSCredentialsResponse.defaultSessionName(at: Date()), externalID: externalID,
                durationSeconds: duration ?? 3600)
            return try sts(body: body, action: "AssumeRole", signWith: sourceCredentials)
        case .container(let url, let token, let tokenFile):
            var headers = HTTPHeaders()
            if let tokenFile, let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) {
                headers.add(name: "Authorization", value: text.trimmingCharacters(in: .whitespacesAndNewlines))
            } else if let token {
                headers.add(name: "Authorization", value: token)
            }
            let answer = try BlobHTTP.shared.send("fetching container credentials from \(url.absoluteString)") { () throws(BlobFailure) in
                try Self.request(url.absoluteString, method: .GET, headers: headers)
            }
            return try parseContainer(answer, source: "the container credentials endpoint")
        case .instanceMetadata(let endpoint):
            let base = endpoint.absoluteString.hasSuffix("/") ? String(endpoint.absoluteString.dropLast()) : endpoint.absoluteString
            let tokenAnswer = try BlobHTTP.shared.send("fetching an IMDSv2 token from \(base)") { () throws(BlobFailure) in
                try Self.request("\(base)/latest/api/token", method: .PUT, headers: ["X-aws-ec2-metadata-token-ttl-seconds": "21600"])
            }
            let token = String(buffer: tokenAnswer.body)
            let rolePath = "\(base)/latest/meta-data/iam/security-credentials/"
            let roleAnswer = try BlobHTTP.shared.send("finding the instance's role at \(rolePath)") { () throws(BlobFailure) in
                try Self.request(rolePath, method: .GET, headers: ["X-aws-ec2-metadata-token": token])
            }
            guard let role = String(buffer: roleAnswer.body).split(whereSeparator: \.isNewline).first else {
                throw BlobFailure(.denied, "the instance has no IAM role (\(rolePath) lists none)")
            }
            let answer = try BlobHTTP.shared.send("fetching the instance role's credentials") { () throws(BlobFailure) in
                try Self.request(rolePath + role, method: .GET, headers: ["X-aws-ec2-metadata-token": token])
            }
            return try parseContainer(answer, source: "the instance metadata service")
        }
    }

    private func sts(body: String, action: String, signWith credentials: AWSCredentials?) throws(BlobFailure)
        -> (credentials: AWSCredentials, expires: Date?)
    {
        let answer = try BlobHTTP.shared.send("calling STS \(action) at \(stsEndpoint.absoluteString)") { () throws(BlobFailure) in
            var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"]
            let host = (stsEndpoint.host ?? "") + (stsEndpoint.port.map { ":\($0)" } ?? "")
            headers.add(name: "Host", value: host)
            if let credentials {
                let signer = AWSSigV4Signer(credentials: credentials, region: region, service: "sts")
                let path = stsEndpoint.path.isEmpty ? "/" : stsEndpoint.path
                for (name, value) in signer.signatureHeaders(
                    method: "POST", path: path, query: nil, headers: headers.map { ($0.name, $0.value) }, body: Array(body.utf8),
                    date: Date())
                {
                    headers.replaceOrAdd(name: name, value: value)
                }
            }
            return try Self.request(stsEndpoint.absoluteString, method: .POST, headers: headers, body: body)
        }
        do {
            let response = try STSCredentialsResponse(xml: Data(buffer: answer.body), action: action)
            return (response.credentials, response.expiration)
        } catch {
            throw BlobFailure(.denied, "STS \(action) answered something Tern cannot read: \(error)")
        }
    }

    private func parseContainer(_ answer: BlobHTTP.Answer, source: String) throws(BlobFailure) -> (
        credentials: AWSCredentials, expires: Date?
    ) {
        do {
            let parsed = try AWSContainerCredentials(json: Data(buffer: answer.body), source: source)
            return (parsed.credentials, parsed.expiration)
        } catch {
            throw BlobFailure(.denied, "\(error)")
        }
    }

    private static func request(_ url: String, method: HTTPMethod, headers: HTTPHeaders, body: String? = nil) throws(BlobFailure)
        -> HTTPClient.Request
    {
        do {
            return try HTTPClient.Request(url: url, method: method, headers: headers, body: body.map { .string($0) })
        } catch {
            throw BlobFailure(.other, "cannot address \(url): \(error)")
        }
    }
}
