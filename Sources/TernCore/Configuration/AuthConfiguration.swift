/// How Tern authenticates to a cluster.
public enum AuthConfiguration: Sendable, Hashable, CustomStringConvertible {
    case none
    /// HTTP basic authentication.
    case basic(username: String, password: Secret)
    /// An Elasticsearch/OpenSearch API key, sent as `Authorization: ApiKey <value>` (the base64 of `id:key`).
    case apiKey(Secret)
    /// A bearer token (OpenID Connect, JWT, service tokens).
    case bearer(Secret)
    /// AWS Signature Version 4 for Amazon OpenSearch Service (`es`) or OpenSearch Serverless (`aoss`).
    case awsSigV4(region: String, service: String, accessKeyID: Secret, secretAccessKey: Secret, sessionToken: Secret?)

    /// The names accepted for `auth.type`.
    public static let typeNames = ["none", "basic", "api_key", "bearer", "aws_sigv4"]

    public var typeName: String {
        switch self {
        case .none: "none"
        case .basic: "basic"
        case .apiKey: "api_key"
        case .bearer: "bearer"
        case .awsSigV4: "aws_sigv4"
        }
    }

    /// Describes the method without any secret ("basic (user elastic)").
    public var description: String {
        switch self {
        case .basic(let username, _): "basic (user \(username))"
        case .awsSigV4(let region, let service, _, _, _): "aws_sigv4 (\(service), \(region))"
        default: typeName
        }
    }
}
