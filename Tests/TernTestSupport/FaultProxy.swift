import Foundation
import Logging
import SearchClient
import TernCore

/// A proxy (`fault_proxy.py`) in front of a real server that rejects bulk items with 429, drops connections before
/// or after forwarding (writes applied, answer lost) and rejects whole bulk requests, with seeded randomness.
/// Other requests pass through unchanged.
public final class FaultProxy: Sendable {
    /// Probabilities of each fault.
    public struct Faults: Sendable {
        /// That one bulk item is answered 429 `es_rejected_execution_exception` without being forwarded.
        public var itemRejection: Double
        /// That a bulk request's connection is closed without an answer (half before forwarding, half after).
        public var drop: Double
        /// That a whole bulk request is answered 429.
        public var wholeRejection: Double
        public var seed: Int

        public init(itemRejection: Double = 0, drop: Double = 0, wholeRejection: Double = 0, seed: Int = 1) {
            self.itemRejection = itemRejection
            self.drop = drop
            self.wholeRejection = wholeRejection
            self.seed = seed
        }
    }

    /// What the proxy did so far (`GET /_proxy/stats`).
    public struct Stats: Sendable, Decodable, Equatable {
        /// Requests answered 429/503 while busy (``setBusy(_:)``).
        public var busyAnswers: Int
        public var requests: Int
        public var passthrough: Int
        public var bulkRequests: Int
        public var items: Int
        public var itemsRejected: Int
        public var itemsForwarded: Int
        public var dropsBefore: Int
        public var dropsAfter: Int
        /// Items the upstream applied whose answer the client never received.
        public var itemsAppliedUnanswered: Int
        public var wholeRejections: Int
        /// Bulk requests whose items were all rejected, answered without forwarding.
        public var allRejectedUnforwarded: Int
    }

    private let server: ServerProcess
    public let url: URL

    /// - Parameter dataStreams: a recorded `GET _data_stream` answer the proxy serves, standing in for a cluster with
    ///   data streams in front of one without (osmem); the backing indices it names are plain indices upstream.
    ///   `monitors`: a file of alerting monitors by id the proxy holds and serves as the Alerting plugin does (search,
    ///   get, update), in front of a cluster without it; each alerting request is appended to `<file>.requests.ndjson`.
    ///   `replication`: followers the proxy answers for as the cross-cluster replication plugin would (status, start,
    ///   stop, the plugin on every node, the transport address), in front of a cluster without it; each replication
    ///   request is appended to `<file>.requests.ndjson`.
    public init(upstream: URL, faults: Faults = Faults(), dataStreams: URL? = nil, monitors: URL? = nil, replication: URL? = nil) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fault_proxy.py").path
        server = try ServerProcess(
            executable: "/usr/bin/env",
            arguments: [
                "python3", script, "--upstream", upstream.absoluteString, "--reject", String(faults.itemRejection), "--drop",
                String(faults.drop), "--whole", String(faults.wholeRejection), "--seed", String(faults.seed),
            ] + (dataStreams.map { ["--data-streams", $0.path] } ?? []) + (monitors.map { ["--monitors", $0.path] } ?? [])
                + (replication.map { ["--replication", $0.path] } ?? []))
        guard let port = server.announcement["port"] as? Int else {
            server.stop()
            throw TestSupportError("fault_proxy.py did not print its port")
        }
        url = URLHelper.url("http://127.0.0.1:\(port)")
    }

    public func stop() { server.stop() }

    /// From now on every connection is reset, as if the upstream had crashed; the proxy keeps its port, so no other
    /// server can take it while clients retry.
    public func goDown() {
        kill(server.process.processIdentifier, SIGUSR1)
    }

    /// Ends ``goDown()``.
    public func comeBack() {
        kill(server.process.processIdentifier, SIGUSR2)
    }

    /// From now on (`on`) every request is answered 429 or 503 in turn, as by a cluster pushing back; `false` ends that.
    public func setBusy(_ on: Bool) async throws {
        _ = try await SearchClient.withClient(configuration(role: "test"), logger: Logger(label: "test")) { client in
            try await client.send(.POST, "/_proxy/busy", query: [("on", on ? "true" : "false")])
        }
    }

    /// Runs `body` with a proxy in front of `upstream` and stops it afterwards.
    public static func with<T>(upstream: URL, faults: Faults, _ body: (FaultProxy) async throws -> T) async throws -> T {
        let proxy = try FaultProxy(upstream: upstream, faults: faults)
        defer { proxy.stop() }
        return try await body(proxy)
    }

    /// A cluster configuration pointing at the proxy.
    public func configuration(role: String, retries: RetrySettings = RetrySettings()) -> ClusterConfiguration {
        ClusterConfiguration(
            role: role, endpoints: [url], timeouts: Timeouts(connect: .seconds(2), request: .seconds(30)), retries: retries)
    }

    /// The proxy's counters.
    public func stats() async throws -> Stats {
        try await SearchClient.withClient(configuration(role: "test"), logger: Logger(label: "test")) { client in
            let response = try await client.send(.GET, "/_proxy/stats")
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(Stats.self, from: Data(response.bytes))
        }
    }
}
