import Foundation

/// The credential endpoints of an AWS machine for tests (`aws_metadata_server.py`), serving the keys it is given: the
/// ECS / EKS Pod Identity container endpoint (`GET /creds`, with an `Authorization` token when one is given) and the EC2
/// instance metadata service, IMDSv2 only (a session token from `PUT /latest/api/token`, then the role and its
/// credentials; a request without the token is refused 401, as on an instance that requires IMDSv2).
public final class AWSMetadataServer: Sendable {
    /// What the server answered so far (`GET /_stats`).
    public struct Stats: Decodable, Sendable {
        public var requests: Int
        /// Credentials served by the container endpoint.
        public var container: Int
        /// Container requests refused for a missing or wrong `Authorization` header.
        public var containerRefused: Int
        /// IMDSv2 session tokens issued.
        public var imdsTokens: Int
        /// Role names served.
        public var imdsRoles: Int
        /// Role credentials served.
        public var imdsCredentials: Int
        /// IMDS requests refused for a missing or unknown session token (IMDSv1).
        public var imdsRefused: Int
    }

    /// `http://127.0.0.1:PORT`, the instance metadata endpoint (`AWS_EC2_METADATA_SERVICE_ENDPOINT`).
    public let url: URL
    /// The instance profile's role name.
    public let role: String
    private let server: ServerProcess

    /// `http://127.0.0.1:PORT/creds`, the container endpoint (`AWS_CONTAINER_CREDENTIALS_FULL_URI`).
    public var containerURL: URL { url.appendingPathComponent("creds") }

    /// - Parameters:
    ///   - sessionToken: served as `Token` (temporary credentials); nil leaves it out.
    ///   - authorizationToken: the `Authorization` header the container endpoint requires; nil requires none.
    ///   - expiresIn: seconds from each answer to the `Expiration` it gives.
    public init(
        accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, authorizationToken: String? = nil,
        role: String = "tern-instance-role", expiresIn: Int = 6 * 3600
    ) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("aws_metadata_server.py").path
        var arguments = [
            "python3", script, "--access-key-id", accessKeyID, "--secret-access-key", secretAccessKey, "--role", role,
            "--expires-in", String(expiresIn),
        ]
        if let sessionToken { arguments += ["--session-token", sessionToken] }
        if let authorizationToken { arguments += ["--auth-token", authorizationToken] }
        server = try ServerProcess(executable: "/usr/bin/env", arguments: arguments)
        guard let port = server.announcement["port"] as? Int else {
            server.stop()
            throw TestSupportError("aws_metadata_server.py did not print its port")
        }
        self.url = URLHelper.url("http://127.0.0.1:\(port)")
        self.role = role
    }

    public func stop() { server.stop() }

    /// The server's counters.
    public func stats() throws -> Stats {
        let data = try Data(contentsOf: url.appendingPathComponent("_stats"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Stats.self, from: data)
    }
}
