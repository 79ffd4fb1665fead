import Foundation
import Logging
import SnapshotReader
import TernCore
import TernTestSupport
import Testing

@testable import ObjectStore

/// The AWS credential chain end to end: each source (a profile's keys, a role assumed through STS, the container
/// endpoint, IMDSv2, a web identity token) fetches real credentials from a real server, and moto then checks every
/// SigV4 signature of the S3 reads made with them. Each opener gets its environment explicitly and a HOME of its own, so
/// nothing of this machine's ~/.aws or environment is used.
@Suite struct AWSCredentialChainTests {
    static let fixture = "ES_7_10_Single"
    static let uploads = [(folder: SnapshotFixtures.repositoryPath(fixture), prefix: "fixtures/\(fixture)")]

    /// An opener with exactly `environment` (plus the region), spilling into the test spill folder.
    static func opener(_ environment: [String: String]) -> RepositoryOpener {
        RepositoryOpener(
            environment: environment.merging(["AWS_REGION": "us-east-1"]) { given, _ in given },
            spillDirectory: ScratchFolder.processFolder.appendingPathComponent("spill").path,
            logger: Logger(label: "test"))
    }

    /// A HOME with `~/.aws/credentials` and `~/.aws/config` holding the given text (none when nil).
    static func home(credentials: String? = nil, config: String? = nil) throws -> URL {
        let home = try ScratchFolder.make("tern-aws-home")
        let aws = home.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        if let credentials { try Data(credentials.utf8).write(to: aws.appendingPathComponent("credentials")) }
        if let config { try Data(config.utf8).write(to: aws.appendingPathComponent("config")) }
        return home
    }

    static func expectFixture(_ opener: RepositoryOpener, bucket: String) async throws {
        try await RepositoryDocuments.expectExpected(try opener.storage("s3://\(bucket)/fixtures/\(fixture)"), fixture: fixture)
    }

    /// The sessions moto's STS handed out (`/moto-api/data.json`): assumed-role ARNs such as
    /// `arn:aws:sts::123456789012:assumed-role/reader/tern-chain`.
    static func assumedRoles(_ endpoint: URL) throws -> [String] {
        let data = try Data(contentsOf: endpoint.appendingPathComponent("moto-api/data.json"))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let sessions = (json?["sts"] as? [String: Any])?["AssumedRole"] as? [[String: Any]] ?? []
        return sessions.compactMap { $0["arn"] as? String }
    }

    @Test func keysOfTheProfileThatAWSProfileNamesInTheCredentialsFile() async throws {
        try await ObjectStoreServer.with(kind: .s3, uploads: Self.uploads, verifySignatures: true) { server in
            let keyID = try #require(server.accessKeyID)
            let secret = try #require(server.secretAccessKey)
            // The default profile's keys are unknown to moto: only the profile AWS_PROFILE names can read.
            let home = try Self.home(
                credentials: """
                    [default]
                    aws_access_key_id = AKIAUNKNOWNDEFAULT00
                    aws_secret_access_key = not-the-secret

                    [reader]
                    aws_access_key_id = \(keyID)
                    aws_secret_access_key = \(secret)
                    """)
            defer { try? FileManager.default.removeItem(at: home) }
            let environment = [
                "HOME": home.path, "AWS_ENDPOINT_URL": server.endpoint.absoluteString, "AWS_EC2_METADATA_DISABLED": "true",
            ]
            var named = environment
            named["AWS_PROFILE"] = "reader"
            try await Self.expectFixture(Self.opener(named), bucket: server.bucket)
            #expect(throws: (any Error).self, "the default profile's unknown keys were accepted") {
                _ = try SnapshotRepository(storage: try Self.opener(environment).storage("s3://\(server.bucket)/fixtures/\(Self.fixture)"))
            }
        }
    }

    @Test func roleOfAProfileAssumedThroughSTSWithTheSourceProfilesKeys() async throws {
        try await MotoWithRole.with(uploads: Self.uploads, uncheckedFirst: 0) { moto in
            // The source profile is a user that may only assume the role: it cannot read S3 with its own keys.
            let home = try Self.home(
                credentials: """
                    [assumer]
                    aws_access_key_id = \(moto.assumerAccessKeyID)
                    aws_secret_access_key = \(moto.assumerSecretAccessKey)
                    """,
                config: """
                    [profile reading]
                    role_arn = \(moto.roleARN)
                    source_profile = assumer
                    role_session_name = tern-chain
                    """)
            defer { try? FileManager.default.removeItem(at: home) }
            let environment = [
                "HOME": home.path, "AWS_ENDPOINT_URL": moto.endpoint.absoluteString, "AWS_EC2_METADATA_DISABLED": "true",
            ]
            var asAssumer = environment
            asAssumer["AWS_PROFILE"] = "assumer"
            #expect {
                _ = try SnapshotRepository(storage: try Self.opener(asAssumer).storage("s3://\(moto.bucket)/fixtures/\(Self.fixture)"))
            } throws: { error in
                "\(error)".contains("refused Tern's credentials")
            }
            #expect(try Self.assumedRoles(moto.endpoint).isEmpty)

            var asRole = environment
            asRole["AWS_PROFILE"] = "reading"
            try await Self.expectFixture(Self.opener(asRole), bucket: moto.bucket)
            let roleName = moto.roleARN.split(separator: "/").last.map(String.init) ?? ""
            #expect(try Self.assumedRoles(moto.endpoint) == ["arn:aws:sts::123456789012:assumed-role/\(roleName)/tern-chain"])
        }
    }

    @Test func containerEndpointWithItsAuthorizationToken() async throws {
        try await ObjectStoreServer.with(kind: .s3, uploads: Self.uploads, verifySignatures: true) { server in
            let token = "container-token-\(UUID().uuidString)"
            let endpoint = try AWSMetadataServer(
                accessKeyID: try #require(server.accessKeyID), secretAccessKey: try #require(server.secretAccessKey),
                authorizationToken: token)
            defer { endpoint.stop() }
            let home = try Self.home()
            defer { try? FileManager.default.removeItem(at: home) }
            var environment = [
                "HOME": home.path, "AWS_ENDPOINT_URL": server.endpoint.absoluteString, "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoint.containerURL.absoluteString,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": token,
            ]
            try await Self.expectFixture(Self.opener(environment), bucket: server.bucket)
            var stats = try endpoint.stats()
            #expect(stats.container >= 1 && stats.containerRefused == 0, "\(stats)")

            // A wrong token is refused by the endpoint; the error names the endpoint and quotes no token.
            let wrong = "wrong-token-\(UUID().uuidString)"
            environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = wrong
            #expect {
                _ = try SnapshotRepository(storage: try Self.opener(environment).storage("s3://\(server.bucket)/fixtures/\(Self.fixture)"))
            } throws: { error in
                "\(error)".contains("container credentials") && !"\(error)".contains(wrong)
            }
            stats = try endpoint.stats()
            #expect(stats.containerRefused >= 1, "\(stats)")
        }
    }

    @Test func instanceMetadataServiceVersion2() async throws {
        try await ObjectStoreServer.with(kind: .s3, uploads: Self.uploads, verifySignatures: true) { server in
            let imds = try AWSMetadataServer(
                accessKeyID: try #require(server.accessKeyID), secretAccessKey: try #require(server.secretAccessKey))
            defer { imds.stop() }
            let home = try Self.home()
            defer { try? FileManager.default.removeItem(at: home) }
            let environment = [
                "HOME": home.path, "AWS_ENDPOINT_URL": server.endpoint.absoluteString,
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url.absoluteString,
            ]
            try await Self.expectFixture(Self.opener(environment), bucket: server.bucket)
            let stats = try imds.stats()
            // A session token first, then the role, then its credentials; never an IMDSv1 request.
            #expect(stats.imdsTokens >= 1 && stats.imdsRoles >= 1 && stats.imdsCredentials >= 1, "\(stats)")
            #expect(stats.imdsRefused == 0, "\(stats)")
        }
    }

    /// moto does not check web identity tokens, and it cannot check an unsigned STS call (it answers 500 when checking),
    /// so the one AssumeRoleWithWebIdentity call passes unchecked; every S3 read after it is checked, with the role's
    /// temporary credentials (a wrong or missing session token would be refused).
    @Test func webIdentityTokenFileThroughSTSWhichMotoDoesNotCheckThenS3ChecksTheRoleCredentials() async throws {
        try await MotoWithRole.with(uploads: Self.uploads, uncheckedFirst: 1) { moto in
            let home = try Self.home()
            defer { try? FileManager.default.removeItem(at: home) }
            let tokenFile = home.appendingPathComponent("web-identity-token")
            try Data("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6dGVybjpyZWFkZXIifQ.c2lnbmF0dXJl\n".utf8)
                .write(to: tokenFile)
            let environment = [
                "HOME": home.path, "AWS_ENDPOINT_URL": moto.endpoint.absoluteString, "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_ROLE_ARN": moto.roleARN, "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_SESSION_NAME": "tern-web",
            ]
            try await Self.expectFixture(Self.opener(environment), bucket: moto.bucket)
            let roleName = moto.roleARN.split(separator: "/").last.map(String.init) ?? ""
            #expect(try Self.assumedRoles(moto.endpoint) == ["arn:aws:sts::123456789012:assumed-role/\(roleName)/tern-web"])
        }
    }

    @Test func noCredentialsAnywhereIsOneSentenceNamingTheVariablesWithoutWaiting() throws {
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(at: home) }
        let opener = Self.opener(["HOME": home.path, "AWS_EC2_METADATA_DISABLED": "true"])
        let started = ContinuousClock.now
        do {
            _ = try SnapshotRepository(storage: try opener.storage("s3://snapshots/fixtures/\(Self.fixture)"))
            Issue.record("a repository opened without credentials")
        } catch {
            let text = "\(error)"
            for variable in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE"] {
                #expect(text.contains(variable), "\(text)")
            }
            #expect(text.contains("No AWS credentials were found"), "\(text)")
            #expect(!text.contains("\n"), "\(text)")
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}

/// moto with signatures checked (`object_store_server.py --verify-signatures --role reader`): the fixture uploaded, a
/// role `reader` that may read S3, and a user `tern-assumer` that may only assume it.
private struct MotoWithRole {
    let bucket = "snapshots"
    let endpoint: URL
    let roleARN: String
    let assumerAccessKeyID: String
    let assumerSecretAccessKey: String

    /// - Parameter uncheckedFirst: how many requests pass before moto starts checking.
    static func with(
        uploads: [(folder: String, prefix: String)], uncheckedFirst: Int, _ body: (MotoWithRole) async throws -> Void
    ) async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TernTestSupport/object_store_server.py").path
        var arguments = [
            "python3", script, "--kind", "s3", "--bucket", "snapshots", "--verify-signatures", "--role", "reader", "--unchecked-first",
            String(uncheckedFirst),
        ]
        for upload in uploads { arguments += ["--upload", "\(upload.folder)=\(upload.prefix)"] }
        let child = try ChildProcess(executable: "/usr/bin/env", arguments: arguments)
        defer { child.kill9() }
        guard let announcement = child.announcement(timeout: 120), let port = announcement["port"] as? Int,
            let roleARN = announcement["role_arn"] as? String, let keyID = announcement["assumer_access_key_id"] as? String,
            let secret = announcement["assumer_secret_access_key"] as? String
        else {
            throw TestSupportError("object_store_server.py --role did not announce its port, role and keys (is moto[server] installed?)")
        }
        try await body(
            MotoWithRole(
                endpoint: URLHelper.url("http://127.0.0.1:\(port)"), roleARN: roleARN, assumerAccessKeyID: keyID,
                assumerSecretAccessKey: secret))
    }
}
