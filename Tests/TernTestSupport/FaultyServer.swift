import Foundation

/// A deliberately misbehaving HTTP server (`faulty_server.py`) for error paths no real search server produces on demand:
/// garbage, truncated answers, silence, a self-signed certificate, and a 401 for the command line's exit code.
/// Well-formed answers that are not what Tern needs are answered in memory instead (`InMemoryTransport`).
public final class FaultyServer: Sendable {
    public enum Mode: String, Sendable {
        case unauthorized, garbage, truncated, silent, tls
        /// Well-formed answers in chunks, gzip-compressed when the request accepts gzip.
        case chunked
        /// Connections hang unanswered, like those to an unreachable host.
        case blackhole

        var argument: String { rawValue }
    }

    private let server: ServerProcess
    public let port: Int
    /// For `.tls`: the self-signed certificate, to trust it explicitly.
    public let caFile: String?

    public init(_ mode: Mode) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("faulty_server.py").path
        server = try ServerProcess(executable: "/usr/bin/env", arguments: ["python3", script, mode.argument])
        guard let port = server.announcement["port"] as? Int else {
            server.stop()
            throw TestSupportError("faulty_server.py did not print its port")
        }
        self.port = port
        caFile = server.announcement["ca_file"] as? String
    }

    public var httpURL: String { "http://127.0.0.1:\(port)" }
    public var httpsURL: String { "https://127.0.0.1:\(port)" }

    public func stop() { server.stop() }

    /// A loopback port with nothing listening (bound, then closed).
    public static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw TestSupportError("cannot bind a loopback socket") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
