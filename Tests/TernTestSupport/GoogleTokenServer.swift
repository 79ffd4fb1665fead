import Foundation

/// Google's side of the credential flows for tests (`google_token_server.py`): a token endpoint that checks the
/// service-account JWT bearer grant (RS256 signature with `publicKeyPEM`, `aud` its own URL, `iss` the `clientEmail`, the
/// read-only Cloud Storage scope, `exp` ahead), the metadata server's token endpoint (`Metadata-Flavor: Google`), and a
/// gate in front of `upstream` (fake-gcs-server, which checks no credentials) that forwards only requests carrying a
/// bearer token it issued and answers any other 401.
public final class GoogleTokenServer: Sendable {
    /// What the server did so far (`GET /_stats`).
    public struct Stats: Decodable, Sendable {
        /// `POST /token` requests.
        public var tokenRequests: Int
        /// Token requests answered 400 (bad grant type, signature, audience, issuer, scope or times).
        public var grantsRefused: Int
        /// Metadata server token requests.
        public var metadataRequests: Int
        /// Metadata requests without `Metadata-Flavor: Google`.
        public var metadataRefused: Int
        public var tokensIssued: Int
        /// Requests that carried a token issued here and went to the upstream.
        public var forwarded: Int
        /// Requests answered 401 for a missing or unknown bearer token.
        public var unauthorized: Int
    }

    /// `http://127.0.0.1:PORT`: the gate (a Cloud Storage endpoint) and the metadata server.
    public let url: URL
    private let server: ServerProcess
    /// Holds the public key file, which the server reads again when it checks with openssl.
    private let folder: URL

    /// `http://127.0.0.1:PORT/token`, a key file's `token_uri`.
    public var tokenURL: URL { url.appendingPathComponent("token") }
    /// `127.0.0.1:PORT`, for `GCE_METADATA_HOST`.
    public var metadataHost: String { "\(url.host ?? "127.0.0.1"):\(url.port ?? 80)" }

    public init(upstream: URL, clientEmail: String, publicKeyPEM: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("google_token_server.py").path
        folder = try ScratchFolder.make("tern-google-token-server")
        let keyFile = folder.appendingPathComponent("public.pem")
        do {
            try Data(publicKeyPEM.utf8).write(to: keyFile)
            server = try ServerProcess(
                executable: "/usr/bin/env",
                arguments: [
                    "python3", script, "--upstream", upstream.absoluteString, "--client-email", clientEmail, "--public-key", keyFile.path,
                ])
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        guard let port = server.announcement["port"] as? Int else {
            server.stop()
            try? FileManager.default.removeItem(at: folder)
            throw TestSupportError("google_token_server.py did not print its port")
        }
        url = URLHelper.url("http://127.0.0.1:\(port)")
    }

    public func stop() {
        server.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The server's counters.
    public func stats() throws -> Stats {
        let data = try Data(contentsOf: url.appendingPathComponent("_stats"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Stats.self, from: data)
    }
}
