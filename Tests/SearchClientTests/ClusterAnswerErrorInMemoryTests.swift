import AsyncHTTPClient
import Logging
import Synchronization
import TernCore
import TernTestSupport
import Testing

@testable import SearchClient

/// Answers that are well-formed HTTP but not what Tern needs (refused credentials, a web server, a cluster without a
/// master, busy answers) give one sentence and exit code 3. They are answered in memory: a socket adds nothing to them,
/// and the socket-level failures are in `TransportErrorTests`.
@Suite struct ClusterAnswerErrorInMemoryTests {
    let url = "http://in-memory.test:9200"

    /// The error `info()` fails with.
    func failure(_ transport: InMemoryTransport, auth: AuthConfiguration = .none) async -> TernError? {
        await expectedUnreachable("info() in memory") { _ = try await transport.client(auth: auth).info() }
    }

    static func error(_ status: Int, _ type: String, _ reason: String) -> String {
        #"{"error":{"root_cause":[{"type":"\#(type)","reason":"\#(reason)"}],"type":"\#(type)","reason":"\#(reason)"},"status":\#(status)}"#
    }

    @Test func credentialsRefused() async throws {
        let transport = InMemoryTransport { _ in .json(401, Self.error(401, "security_exception", "missing authentication credentials")) }
        let none = await failure(transport)
        #expect(none?.kind == .authentication)
        #expect(
            none?.message
                == "The source cluster at \(url) refused the credentials (HTTP 401 on GET /): no credentials were given; add auth: to the source section of tern.yml."
        )
        let basic = await failure(transport, auth: .basic(username: "elastic", password: Secret("wrong-password")))
        #expect(basic?.message.contains("check the source credentials (auth: basic (user elastic))") == true)
        #expect(basic?.message.contains("wrong-password") == false)
        #expect(transport.requests.last?.header("Authorization")?.hasPrefix("Basic ") == true)
    }

    @Test func permissionDenied() async throws {
        let transport = InMemoryTransport { _ in
            .json(403, Self.error(403, "security_exception", "action [cluster:monitor/main] is unauthorized for user [reader]"))
        }
        let error = await failure(transport)
        #expect(error?.kind == .authorization)
        #expect(
            error?.message
                == "The source cluster at \(url) accepted the credentials but denied GET / (HTTP 403 (security_exception: action [cluster:monitor/main] is unauthorized for user [reader])); grant the user the cluster monitor privilege (and read access to the indices to migrate)."
        )
    }

    @Test func aWebServerThatIsNotASearchCluster() async throws {
        let transport = InMemoryTransport { _ in
            .body(200, contentType: "text/html", "<html><body><h1>Welcome to nginx!</h1></body></html>")
        }
        let error = await failure(transport)
        #expect(error?.kind == .notASearchCluster)
        #expect(
            error?.message
                == "The server at \(url) (source) is not Elasticsearch or OpenSearch: GET / answered HTTP 200 with text/html: \"<html><body><h1>Welcome to nginx!</h1></body></html>\"; check the URL and port."
        )
    }

    @Test func aJSONServiceThatIsNotASearchCluster() async throws {
        let transport = InMemoryTransport { _ in .json(200, #"{"status":"ok","service":"payments"}"#) }
        #expect(await failure(transport)?.kind == .notASearchCluster)
    }

    @Test func clusterWithoutMaster() async throws {
        let transport = InMemoryTransport { _ in
            .json(503, Self.error(503, "master_not_discovered_exception", "no master node has been elected"))
        }
        let error = await failure(transport)
        #expect(error?.kind == .clusterUnavailable)
        #expect(error?.message.contains("HTTP 503: master_not_discovered_exception: no master node has been elected") == true)
    }

    /// Answers 429, 503 and 502 in turn for the first `failures` requests, then the cluster's health.
    static func flaky(failures: Int) -> InMemoryTransport {
        let count = Counter()
        return InMemoryTransport { _ in
            let number = count.next()
            guard number > failures else {
                let status = [429, 503, 502][(number - 1) % 3]
                return .json(status, Self.error(status, "busy", "try again"))
            }
            return .json(
                200,
                #"{"cluster_name":"c","status":"green","number_of_nodes":1,"number_of_data_nodes":1,"active_primary_shards":0,"active_shards":0,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":0}"#
            )
        }
    }

    @Test func busyAnswersAreRetriedWithBackoff() async throws {
        let transport = Self.flaky(failures: 3)
        let client = transport.client(
            retries: RetrySettings(maxAttempts: 5, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(100)))
        #expect(try await client.health().status == .green)
        #expect(transport.requests.count == 4)
    }

    @Test func retriesAreBounded() async throws {
        let transport = Self.flaky(failures: 100)
        let client = transport.client(
            retries: RetrySettings(maxAttempts: 3, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(20)))
        let response = try await client.send(.GET, "/_cluster/health")
        #expect(response.status == 502, "the third answer (429, 503, then 502) is returned once attempts run out")
        #expect(transport.requests.count == 3)
    }

    @Test func aTransportFailureInMemoryBecomesTheSameSentenceAsOnASocket() async throws {
        let transport = InMemoryTransport { _ in .failure(HTTPClientError.remoteConnectionClosed) }
        let error = await failure(transport)
        #expect(error?.kind == .connection)
        #expect(
            error?.message
                == "The source cluster at \(url) closed the connection before the response was complete; the server may have crashed, a proxy may cut the connection, or this is a TLS port (try https://)."
        )
    }
}

/// A count shared by the answers of one in-memory cluster.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}
