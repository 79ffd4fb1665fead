import Foundation
import Logging
import SearchClient
import TernCore

/// A real `osmem-server` (an in-memory OpenSearch-compatible server from PyPI) on a free loopback port.
///
/// `scripts/setup.sh` installs the pinned version; `OSMEM_SERVER_BIN` can point at another binary.
public final class OsmemServer: Sendable {
    private let server: ServerProcess
    /// `http://127.0.0.1:PORT`
    public let url: URL
    /// The one client of the test's own requests (seeding, reading back), shut down by `with`: a client per request
    /// would set up a connection pool per request.
    let client: SearchClient

    init() throws {
        let binary = try Self.binary()
        server = try ServerProcess(
            executable: binary,
            // No Japanese analysis: its dictionary costs 0.6 s of CPU per server at the first index, and no test needs it.
            arguments: ["--addr", "127.0.0.1:0", "--no-stdin-watch", "--no-ja", "--parent-pid", String(getpid())])
        guard let text = server.announcement["url"] as? String, let url = URL(string: text) else {
            server.stop()
            throw TestSupportError("osmem-server did not print its URL")
        }
        self.url = url
        do {
            client = try SearchClient(
                configuration: ClusterConfiguration(
                    role: "test", endpoints: [url], timeouts: Timeouts(connect: .seconds(2), request: .seconds(30))),
                logger: Logger(label: "test"))
        } catch {
            server.stop()
            throw error
        }
    }

    public func stop() { server.stop() }

    /// Runs `body` with the server's one client.
    func usingClient<T>(_ body: (SearchClient) async throws -> T) async throws -> T {
        try await body(client)
    }

    /// Runs `body` with a fresh server and stops it afterwards.
    public static func with<T>(_ body: (OsmemServer) async throws -> T) async throws -> T {
        let server = try OsmemServer()
        defer { server.stop() }
        do {
            let result = try await body(server)
            try? await server.client.shutdown()
            return result
        } catch {
            try? await server.client.shutdown()
            throw error
        }
    }

    /// The osmem-server binary: `OSMEM_SERVER_BIN`, else the one bundled in the installed Python package.
    public static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["OSMEM_SERVER_BIN"], !path.isEmpty { return path }
        let cached = BinaryCache.shared
        if let path = cached.path { return path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import osmem_server; print(osmem_server.resolve_binary())"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let path = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !path.isEmpty else {
            throw TestSupportError("osmem-server is not installed: run scripts/setup.sh (pip install osmem-server)")
        }
        cached.path = path
        return path
    }
}

private final class BinaryCache: @unchecked Sendable {
    static let shared = BinaryCache()
    private let lock = NSLock()
    private var stored: String?
    var path: String? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
