import Foundation
import Logging
import SnapshotReader
import TernCore
import TernTestSupport
import Testing

@testable import ObjectStore

/// Google's credential flows end to end: a service-account key file (`GOOGLE_APPLICATION_CREDENTIALS`) whose signed JWT
/// a token endpoint verifies with the key's public half, and the metadata server (`GCE_METADATA_HOST`). fake-gcs-server
/// checks no credentials, so a gate in front of it lets through only requests that carry a bearer token the token
/// endpoint issued. `STORAGE_EMULATOR_HOST` is never set: Tern takes the credential paths a real bucket takes.
@Suite struct GoogleCredentialTests {
    static let fixture = "ES_6_8_Single"
    static let uploads = [(folder: SnapshotFixtures.repositoryPath(fixture), prefix: "fixtures/\(fixture)")]
    static let clientEmail = "tern-reader@tern-tests.iam.gserviceaccount.com"

    /// An opener with exactly `environment` whose `repositories:` entry `gcs-test` points the repository at `endpoint`.
    static func opener(_ environment: [String: String], bucket: String, endpoint: URL) -> RepositoryOpener {
        var settings = RepositorySettings(url: "gs://\(bucket)/fixtures/\(fixture)")
        settings.endpoint = endpoint
        return RepositoryOpener(
            environment: environment, repositories: ["gcs-test": settings],
            spillDirectory: ScratchFolder.processFolder.appendingPathComponent("spill").path,
            logger: Logger(label: "test"))
    }

    /// A service-account key file, as the console downloads it, with the test key and the given token URI and email.
    static func keyFile(in folder: URL, tokenURI: URL, clientEmail: String = clientEmail) throws -> URL {
        let fields: [String: String] = [
            "type": "service_account", "project_id": "tern-tests", "private_key_id": "0123456789abcdef0123456789abcdef01234567",
            "private_key": TestRSAKey.pkcs8PEM + "\n", "client_email": clientEmail, "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": tokenURI.absoluteString,
        ]
        let file = folder.appendingPathComponent("service-account.json")
        try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]).write(to: file)
        return file
    }

    /// fake-gcs-server with the fixture, and the token server and gate in front of it.
    static func withGate(_ body: (ObjectStoreServer, GoogleTokenServer) async throws -> Void) async throws {
        try await ObjectStoreServer.with(kind: .gcs, uploads: uploads) { server in
            let gate = try GoogleTokenServer(upstream: server.endpoint, clientEmail: clientEmail, publicKeyPEM: TestRSAKey.publicPEM)
            defer { gate.stop() }
            try await body(server, gate)
        }
    }

    @Test func serviceAccountKeyFileTradesASignedJWTForTheTokenEveryRequestCarries() async throws {
        try await Self.withGate { server, gate in
            let folder = try ScratchFolder.make("tern-google-key")
            defer { try? FileManager.default.removeItem(at: folder) }
            let key = try Self.keyFile(in: folder, tokenURI: gate.tokenURL)
            let opener = Self.opener(
                ["GOOGLE_APPLICATION_CREDENTIALS": key.path, "HOME": folder.path], bucket: server.bucket, endpoint: gate.url)
            try await RepositoryDocuments.expectExpected(try opener.storage("gcs-test"), fixture: Self.fixture)
            let stats = try gate.stats()
            #expect(stats.tokenRequests >= 1 && stats.tokensIssued >= 1 && stats.grantsRefused == 0, "\(stats)")
            // Every request reached the store with a token the endpoint issued; none was turned away.
            #expect(stats.forwarded > 0 && stats.unauthorized == 0, "\(stats)")
            #expect(stats.metadataRequests == 0, "\(stats)")
        }
    }

    @Test func aGrantTheTokenEndpointRefusesIsReportedInItsWords() async throws {
        try await Self.withGate { server, gate in
            let folder = try ScratchFolder.make("tern-google-key")
            defer { try? FileManager.default.removeItem(at: folder) }
            // The same key under another account's address: the endpoint refuses the JWT's issuer.
            let key = try Self.keyFile(in: folder, tokenURI: gate.tokenURL, clientEmail: "someone-else@tern-tests.iam.gserviceaccount.com")
            let opener = Self.opener(
                ["GOOGLE_APPLICATION_CREDENTIALS": key.path, "HOME": folder.path], bucket: server.bucket, endpoint: gate.url)
            #expect {
                _ = try SnapshotRepository(storage: try opener.storage("gcs-test"))
            } throws: { error in
                "\(error)".contains("refused Tern's credentials")
                    && "\(error)".contains("Google refused the token request: invalid_grant (Invalid JWT: the issuer")
            }
            let stats = try gate.stats()
            #expect(stats.grantsRefused >= 1 && stats.tokensIssued == 0 && stats.forwarded == 0, "\(stats)")
        }
    }

    @Test func metadataServerTokenThroughGCEMetadataHost() async throws {
        try await Self.withGate { server, gate in
            let opener = Self.opener(
                ["GCE_METADATA_HOST": gate.metadataHost, "HOME": "/nonexistent"], bucket: server.bucket, endpoint: gate.url)
            try await RepositoryDocuments.expectExpected(try opener.storage("gcs-test"), fixture: Self.fixture)
            let stats = try gate.stats()
            #expect(stats.metadataRequests >= 1 && stats.metadataRefused == 0 && stats.tokensIssued >= 1, "\(stats)")
            #expect(stats.forwarded > 0 && stats.unauthorized == 0 && stats.tokenRequests == 0, "\(stats)")
        }
    }
}
