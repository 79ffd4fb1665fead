import Foundation
import Testing

@testable import TernCore

@Suite struct ConfigurationLoaderTests {
    let loader = ConfigurationLoader(environment: [
        "SOURCE_PASSWORD": "s3cret", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET",
    ])

    /// The error's message, or a recorded issue when nothing was thrown.
    func failure(_ yaml: String, loader: ConfigurationLoader? = nil) -> String {
        do {
            _ = try (loader ?? self.loader).parse(yaml)
            Issue.record("accepted:\n\(yaml)")
            return ""
        } catch let error as TernError {
            #expect(error.exitCode == .usage)
            return error.message
        } catch {
            Issue.record("unexpected \(error)")
            return ""
        }
    }

    @Test func readsBothClustersWithAuthTLSAndTimeouts() throws {
        let configuration = try loader.parse(
            """
            source:
              endpoints: [https://old-1:9200, https://old-2:9200]
              auth:
                type: basic
                username: elastic
                password: ${SOURCE_PASSWORD}
              tls:
                insecure: true
              timeouts:
                connect: 500ms
                request: 2m
              retries:
                max_attempts: 3
            target:
              endpoint: https://search-x.us-east-1.es.amazonaws.com
              auth:
                type: aws_sigv4
                region: us-east-1
            """)
        let source = try configuration.requireSource()
        #expect(source.endpoints.map(\.absoluteString) == ["https://old-1:9200", "https://old-2:9200"])
        #expect(source.auth == .basic(username: "elastic", password: Secret("s3cret")))
        #expect(source.tls.insecure)
        #expect(source.timeouts == Timeouts(connect: .milliseconds(500), request: .seconds(120)))
        #expect(source.retries.maxAttempts == 3)
        let target = try configuration.requireTarget()
        guard case .awsSigV4(let region, let service, let key, _, let token) = target.auth else {
            Issue.record("expected aws_sigv4, got \(target.auth)")
            return
        }
        #expect(region == "us-east-1" && service == "es" && key.value == "AKID" && token == nil)
    }

    @Test func secretsNeverPrint() throws {
        let configuration = try loader.parse(
            "source:\n  endpoint: http://a:9200\n  auth:\n    username: u\n    password: ${SOURCE_PASSWORD}\n")
        let printed = "\(configuration) \(String(reflecting: configuration))"
        #expect(!printed.contains("s3cret"))
        #expect(printed.contains("<redacted>") || !printed.contains("password"))
    }

    @Test func readsPasswordFilesRelativeToTheConfiguration() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "from-file\n".write(to: folder.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        let file = folder.appendingPathComponent("tern.yml")
        try "source:\n  endpoint: http://a:9200\n  auth:\n    username: u\n    password_file: pw\n".write(
            to: file, atomically: true, encoding: .utf8)
        let configuration = try loader.load(path: file.path)
        #expect(configuration.source?.auth == .basic(username: "u", password: Secret("from-file")))
    }

    @Test func namesTheMissingEnvironmentVariableAndWhereItIsUsed() {
        let message = failure("source:\n  endpoint: http://a:9200\n  auth:\n    username: u\n    password: ${NOPE_PASSWORD}\n")
        #expect(
            message
                == "tern.yml line 5, source.auth.password: refers to ${NOPE_PASSWORD}, which is not set in the environment; export NOPE_PASSWORD or give a default as ${NOPE_PASSWORD:-value}."
        )
    }

    @Test func defaultsInterpolationAndEscapes() throws {
        let configuration = try loader.parse(
            "source:\n  endpoint: ${SOURCE_URL:-http://localhost:9200}\n  auth:\n    type: bearer\n    token: a$$b\n")
        #expect(configuration.source?.endpoints.first?.absoluteString == "http://localhost:9200")
        #expect(configuration.source?.auth == .bearer(Secret("a$b")))
    }

    @Test func rejectsUnknownKeysWithTheirLine() {
        #expect(
            failure("source:\n  endpoint: http://a:9200\n  auth:\n    username: u\n    pasword: x\n")
                == "tern.yml line 5: unknown key 'source.auth.pasword'; 'source.auth' accepts type, username, password, password_file, api_key, api_key_file, token, token_file, region, service, access_key_id, secret_access_key, session_token."
        )
        #expect(
            failure("sourcee:\n  endpoint: http://a:9200\n").contains(
                "unknown key 'sourcee'; the top level accepts source, target, migration, cutover, upgrade, repositories, coordination."))
    }

    @Test func rejectsBadValuesNamingTheKey() {
        #expect(
            failure("source:\n  endpoint: http://a:9200\n  auth:\n    type: basik\n")
                == "tern.yml line 4, source.auth.type: 'basik' is not an auth type; use one of none, basic, api_key, bearer, aws_sigv4.")
        #expect(failure("source:\n  endpoint: ftp://a\n").contains("source.endpoint 'ftp://a' uses the scheme 'ftp'"))
        #expect(failure("source:\n  endpoint: http://user:pw@a:9200\n").contains("carries credentials in the URL"))
        #expect(
            failure("source:\n  endpoint: http://a:9200\n  timeouts:\n    connect: soon\n")
                == "tern.yml line 4, source.timeouts.connect: 'soon' is not a duration; write it like 500ms, 10s or 2m.")
        #expect(failure("source:\n  endpoint: http://a:9200\n  tls:\n    insecure: maybe\n").contains("'maybe' is not true or false."))
        #expect(failure("source:\n  auth:\n    type: none\n").contains("no endpoint"))
        #expect(failure("source:\n  endpoint: http://a:9200\n  auth:\n    username: u\n").contains("needs password"))
        #expect(
            failure("source:\n  endpoint: http://a:9200\n  tls:\n    ca_file: /nonexistent/ca.pem\n").contains(
                "the file /nonexistent/ca.pem does not exist"))
        #expect(
            failure(
                "target:\n  endpoint: https://x\n  auth:\n    type: aws_sigv4\n    region: eu-west-1\n",
                loader: ConfigurationLoader(environment: [:])
            )
            .contains("aws_sigv4 needs credentials"))
    }

    @Test func reportsInvalidYAMLWithItsPosition() {
        let message = failure("source:\n  endpoint: [http://a:9200\n")
        #expect(message.hasPrefix("tern.yml is not valid YAML: "))
        #expect(message.contains("line"))
    }

    @Test func flagsReplaceEndpointsAndKeepAuth() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("tern.yml").path
        try "source:\n  endpoint: http://a:9200\n  auth:\n    type: bearer\n    token: t\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let configuration = try loader.resolve(path: file, sourceURL: "http://b:9201", targetURL: "http://c:9202")
        #expect(configuration.source?.endpoints.first?.absoluteString == "http://b:9201")
        #expect(configuration.source?.auth == .bearer(Secret("t")))
        #expect(configuration.target?.endpoints.first?.absoluteString == "http://c:9202")
        #expect(throws: TernError.self) {
            try loader.resolve(path: folder.appendingPathComponent("missing.yml").path, sourceURL: nil, targetURL: nil)
        }
        #expect(throws: TernError.self) { try loader.resolve(path: nil, sourceURL: "not a url", targetURL: nil) }
    }

    @Test func theSampleConfigurationIsValid() throws {
        let configuration = try ConfigurationLoader(environment: [:]).parse(SampleConfiguration.text)
        #expect(configuration.source?.endpoints.first?.absoluteString == "http://localhost:9200")
        #expect(configuration.target?.endpoints.first?.absoluteString == "http://localhost:9201")
    }

    @Test func theCoordinationClusterComesFromItsSectionTheFlagOrTheTarget() throws {
        let configuration = try loader.parse(
            """
            target:
              endpoint: http://target:9200
              auth:
                type: basic
                username: tern
                password: ${SOURCE_PASSWORD}
            coordination:
              endpoint: http://ops:9200
              auth:
                type: basic
                username: ops
                password: ${SOURCE_PASSWORD}
            """)
        #expect(configuration.coordination?.endpoints.first?.absoluteString == "http://ops:9200")
        #expect(try ConfigurationLoader.coordinationCluster(nil, in: configuration)?.endpoints == configuration.coordination?.endpoints)
        // The flag names the cluster; the section's credentials go with it.
        let flagged = try #require(try ConfigurationLoader.coordinationCluster("http://other:9200", in: configuration))
        #expect(flagged.endpoints.map(\.absoluteString) == ["http://other:9200"] && flagged.auth == configuration.coordination?.auth)
        #expect(flagged.role == "coordination")
        // Without a section: nil (the target) unless the flag names one, which then takes the target's credentials.
        var plain = configuration
        plain.coordination = nil
        #expect(try ConfigurationLoader.coordinationCluster(nil, in: plain) == nil)
        #expect(try ConfigurationLoader.coordinationCluster("http://other:9200", in: plain)?.auth == plain.target?.auth)
        #expect(throws: TernError.self) { try ConfigurationLoader.coordinationCluster("not a url", in: plain) }
    }

    @Test func repositoriesEntriesNameTheirStoreAndKeepSecretsRedacted() throws {
        let configuration = try loader.parse(
            """
            repositories:
              backups:
                url: s3://acme/es/prod
                endpoint: http://10.0.0.5:9000
                path_style: true
                region: eu-west-1
                access_key_id: ${AWS_ACCESS_KEY_ID}
                secret_access_key: ${AWS_SECRET_ACCESS_KEY}
              archive:
                url: azure://snaps/os
                account: acme
                sas_token: ${SOURCE_PASSWORD}
            """)
        let backups = try #require(configuration.repository("backups"))
        #expect(backups.url == "s3://acme/es/prod" && backups.pathStyle == true && backups.region == "eu-west-1")
        #expect(backups.endpoint?.absoluteString == "http://10.0.0.5:9000")
        #expect(backups.secretAccessKey?.value == "SECRET")
        #expect(configuration.repository("s3://acme/es/prod") == backups)
        #expect(configuration.repository("azure://snaps/os")?.sasToken?.value == "s3cret")
        #expect(!"\(backups)".contains("SECRET") && !String(reflecting: backups).contains("SECRET"))
    }

    @Test func aRepositoriesEntryWithAMistakeIsOneSentence() {
        #expect(failure("repositories:\n  b:\n    url: ftp://x/y\n").contains("'ftp://x/y' is not an s3://, gs:// or azure:// URL."))
        #expect(failure("repositories:\n  b:\n    endpoint: http://x\n").contains("needs url:"))
        #expect(
            failure("repositories:\n  b:\n    url: s3://x/y\n    access_key_id: a\n").contains(
                "access_key_id and secret_access_key go together."))
        #expect(failure("repositories:\n  b:\n    url: s3://x/y\n    bucket: z\n").contains("unknown key 'repositories.b.bucket'"))
    }
}

extension ConfigurationLoaderTests {
    @Test func theSyncMethodIsTheProxyUnlessCrossClusterReplicationIsNamed() throws {
        #expect(try loader.parse("migration:\n  indices: [logs]\n").migration.sync == .proxy)
        #expect(try loader.parse("migration:\n  sync: ccr\n").migration.sync == .ccr)
        let message = failure("migration:\n  sync: snapshot\n")
        #expect(message.contains("'snapshot' is not a sync method; use proxy"), "\(message)")
    }
}
