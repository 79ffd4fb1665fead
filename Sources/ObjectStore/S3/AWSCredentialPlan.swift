import Foundation
import SearchClient

/// Where the AWS credentials come from, decided once from the environment and the profile files, so that the fetching code
/// only follows the plan and tests can check the decision without a network.
package enum AWSCredentialPlan: Sendable, Equatable {
    /// Keys given as they are; `origin` names where (for an error when they are refused), never the keys themselves.
    case `static`(AWSCredentials, origin: String)
    /// STS `AssumeRoleWithWebIdentity` with the token read from `tokenFile` at each refresh (Kubernetes rotates it).
    case webIdentity(roleARN: String, tokenFile: String, sessionName: String?)
    /// STS `AssumeRole` signed with the credentials of `source`; `durationSeconds` nil means STS's default (one hour).
    indirect case assumeRole(roleARN: String, sessionName: String?, externalID: String?, durationSeconds: Int?, source: AWSCredentialPlan)
    /// A GET of the ECS or EKS Pod Identity credentials endpoint, with the `Authorization` header read from the file (at each
    /// refresh, since it rotates) or given as it is.
    case container(url: URL, authorizationToken: String?, authorizationTokenFile: String?)
    /// The EC2 instance metadata service (IMDSv2: a session token, the role name, then its credentials).
    case instanceMetadata(endpoint: URL)

    /// What the plan does, for a log line or an error; no secret or token.
    package var summary: String {
        switch self {
        case .static(_, let origin):
            return "keys from \(origin)"
        case .webIdentity(let roleARN, let tokenFile, _):
            return "role \(roleARN) assumed with the web identity token in \(tokenFile)"
        case .assumeRole(let roleARN, _, _, _, let source):
            return "role \(roleARN) assumed with \(source.summary)"
        case .container(let url, _, _):
            return "the container credentials endpoint \(url.host ?? "?")"
        case .instanceMetadata(let endpoint):
            return "the EC2 instance metadata service at \(endpoint.host ?? "?")"
        }
    }
}
