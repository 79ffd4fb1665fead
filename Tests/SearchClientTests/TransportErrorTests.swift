import Logging
import TernCore
import TernTestSupport
import Testing

@testable import SearchClient

/// Every way a connection can go wrong gives one sentence and exit code 3. Servers here are real sockets; the
/// misbehaving ones are `FaultyServer` (a small Python server), since no real search server fails on demand. Answers
/// that are well-formed HTTP but not what Tern needs are in `ClusterAnswerErrorInMemoryTests`.
@Suite(.serialized) struct TransportErrorTests {
    let logger = Logger(label: "test")

    func configuration(_ url: String, tls: TLSSettings = TLSSettings(), auth: AuthConfiguration = .none, request: Duration = .seconds(5))
        -> ClusterConfiguration
    {
        ClusterConfiguration(
            role: "source", endpoints: [URLHelper.url(url)], auth: auth, tls: tls,
            timeouts: Timeouts(connect: .seconds(2), request: request),
            retries: RetrySettings(maxAttempts: 2, initialBackoff: .milliseconds(10)))
    }

    /// The error `info()` fails with.
    func failure(_ configuration: ClusterConfiguration) async -> TernError? {
        await expectedUnreachable("info() against \(configuration.displayEndpoint)") {
            _ = try await SearchClient.withClient(configuration, logger: logger) { try await $0.info() }
        }
    }

    @Test func refusedConnection() async throws {
        let port = try FaultyServer.closedPort()
        let error = await failure(configuration("http://127.0.0.1:\(port)"))
        #expect(error?.kind == .connectionRefused)
        #expect(
            error?.message
                == "Connection refused by 127.0.0.1:\(port) (source cluster): nothing listens there; check that the cluster runs and the port in the URL."
        )
    }

    @Test func unknownHost() async throws {
        let error = await failure(configuration("http://tern-no-such-host.invalid:9200"))
        #expect(error?.kind == .dnsFailure)
        #expect(
            error?.message
                == "Cannot resolve the host name 'tern-no-such-host.invalid' of the source cluster: check the spelling in the URL and this machine's DNS."
        )
    }

    @Test func unreachableHost() async throws {
        let server = try FaultyServer(.blackhole)
        defer { server.stop() }
        var configuration = configuration(server.httpURL)
        configuration.timeouts.connect = .seconds(1)
        let error = await failure(configuration)
        #expect(error?.kind == .timeout)
        #expect(
            error?.message
                == "No connection to the source cluster at \(server.httpURL) within 1 s: the host does not answer on port \(server.port); check the address and firewalls, or raise source.timeouts.connect."
        )
    }

    @Test func serverThatNeverAnswers() async throws {
        let server = try FaultyServer(.silent)
        defer { server.stop() }
        let error = await failure(configuration(server.httpURL, request: .seconds(1)))
        #expect(error?.kind == .timeout)
        #expect(error?.message.contains("accepted the connection but did not answer within 1 s") == true)
    }

    @Test func selfSignedCertificate() async throws {
        let server = try FaultyServer(.tls)
        defer { server.stop() }
        let error = await failure(configuration(server.httpsURL))
        #expect(error?.kind == .tls)
        #expect(
            error?.message
                == "The TLS certificate of the source cluster at \(server.httpsURL) is not trusted (self-signed or signed by an unknown CA); set source.tls.ca_file to the cluster's CA file, or source.tls.insecure: true for a throwaway test cluster."
        )
    }

    @Test func selfSignedCertificateTrustedThroughCAFileOrInsecure() async throws {
        let server = try FaultyServer(.tls)
        defer { server.stop() }
        let trusted = configuration(server.httpsURL, tls: TLSSettings(caFile: server.caFile))
        let info = try await SearchClient.withClient(trusted, logger: logger) { try await $0.info() }
        #expect(info.version == ClusterVersion(.opensearch, SemanticVersion(2, 19, 1)))
        let insecure = configuration(server.httpsURL, tls: TLSSettings(insecure: true))
        #expect(try await SearchClient.withClient(insecure, logger: logger) { try await $0.info() }.clusterName == "faulty")
    }

    @Test func httpsAgainstAPlainHTTPPort() async throws {
        try await OsmemServer.with { server in
            let url = "https://127.0.0.1:\(server.url.port!)"
            let error = await failure(configuration(url))
            #expect(error?.kind == .tls)
            #expect(
                error?.message
                    == "The source cluster at \(url) does not speak TLS on port \(server.url.port!); use http:// instead of https://.")
        }
    }

    @Test func garbageInsteadOfHTTP() async throws {
        let server = try FaultyServer(.garbage)
        defer { server.stop() }
        let error = await failure(configuration(server.httpURL))
        #expect(error?.kind == .badResponse)
        #expect(error?.message.hasPrefix("The source cluster at \(server.httpURL) sent a response that is not valid HTTP") == true)
    }

    @Test func truncatedResponse() async throws {
        let server = try FaultyServer(.truncated)
        defer { server.stop() }
        let error = await failure(configuration(server.httpURL))
        #expect(error?.kind == .badResponse)
        #expect(
            error?.message
                == "The source cluster at \(server.httpURL) sent a response that ended before its Content-Length; the connection broke or a proxy cut it, try again."
        )
    }
}
