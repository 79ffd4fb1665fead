import Foundation

/// A real object store for tests, on a free loopback port: moto's S3 server or fake-gcs-server, with folders uploaded
/// into a bucket before the test starts (`object_store_server.py`).
public final class ObjectStoreServer: Sendable {
    public enum Kind: String, Sendable {
        case s3
        case gcs
    }

    public let kind: Kind
    public let bucket: String
    /// `http://127.0.0.1:PORT`.
    public let endpoint: URL
    /// Keys the server accepts when it verifies signatures (S3 with `verifySignatures`).
    public let accessKeyID: String?
    public let secretAccessKey: String?
    private let server: ServerProcess

    /// - Parameter uploads: local folder → key prefix in the bucket.
    public init(kind: Kind, bucket: String = "snapshots", uploads: [(folder: String, prefix: String)], verifySignatures: Bool = false)
        throws
    {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("object_store_server.py").path
        var arguments = ["python3", script, "--kind", kind.rawValue, "--bucket", bucket]
        for upload in uploads { arguments += ["--upload", "\(upload.folder)=\(upload.prefix)"] }
        if verifySignatures { arguments.append("--verify-signatures") }
        server = try ServerProcess(executable: "/usr/bin/env", arguments: arguments, readyTimeout: 120)
        guard let port = server.announcement["port"] as? Int else {
            server.stop()
            throw TestSupportError("object_store_server.py did not print its port (is moto[server] installed? run scripts/setup.sh)")
        }
        self.kind = kind
        self.bucket = bucket
        self.endpoint = URLHelper.url("http://127.0.0.1:\(port)")
        self.accessKeyID = server.announcement["access_key_id"] as? String
        self.secretAccessKey = server.announcement["secret_access_key"] as? String
    }

    public func stop() { server.stop() }

    /// Runs `body` with a fresh server and stops it afterwards.
    public static func with<T>(
        kind: Kind, uploads: [(folder: String, prefix: String)], verifySignatures: Bool = false,
        _ body: (ObjectStoreServer) async throws -> T
    ) async throws -> T {
        let server = try ObjectStoreServer(kind: kind, uploads: uploads, verifySignatures: verifySignatures)
        defer { server.stop() }
        return try await body(server)
    }
}

/// A proxy in front of an object store that answers some content GETs with throttling, resets connections mid-body, cuts
/// bodies short or stalls (`object_store_fault_proxy.py`). Listings pass untouched.
public final class ObjectStoreFaultProxy: Sendable {
    public struct Faults: Sendable {
        public var throttle: Double
        public var throttleStatus: Int
        public var reset: Double
        public var short: Double
        public var seed: Int
        /// `s3` (SlowDown), `gcs` or `azure` (ServerBusy) error bodies.
        public var flavor: String
        /// The share of content GETs held back `stallSeconds` before they are forwarded.
        public var stall: Double = 0
        public var stallSeconds: Double = 1

        public init(
            throttle: Double = 0, throttleStatus: Int = 503, reset: Double = 0, short: Double = 0, seed: Int = 1, flavor: String = "s3"
        ) {
            self.throttle = throttle
            self.throttleStatus = throttleStatus
            self.reset = reset
            self.short = short
            self.seed = seed
            self.flavor = flavor
        }
    }

    public struct Stats: Decodable, Sendable {
        public var requests: Int
        public var contentGets: Int
        public var throttled: Int
        public var resets: Int
        public var short: Int
    }

    public let url: URL
    private let server: ServerProcess

    public init(upstream: URL, faults: Faults) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("object_store_fault_proxy.py").path
        server = try ServerProcess(
            executable: "/usr/bin/env",
            arguments: [
                "python3", script, "--upstream", upstream.absoluteString, "--throttle", String(faults.throttle), "--throttle-status",
                String(faults.throttleStatus), "--reset", String(faults.reset), "--short", String(faults.short), "--seed",
                String(faults.seed),
                "--flavor", faults.flavor, "--stall", String(faults.stall), "--stall-seconds", String(faults.stallSeconds),
            ])
        guard let port = server.announcement["port"] as? Int else {
            server.stop()
            throw TestSupportError("object_store_fault_proxy.py did not print its port")
        }
        url = URLHelper.url("http://127.0.0.1:\(port)")
    }

    public func stop() { server.stop() }

    /// The proxy's counters.
    public func stats() throws -> Stats {
        let data = try Data(contentsOf: url.appendingPathComponent("_proxy/stats"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Stats.self, from: data)
    }
}
