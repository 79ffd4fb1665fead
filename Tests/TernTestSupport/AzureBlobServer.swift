import Foundation

/// Tern's own Azure Blob Storage server for tests (`azure_blob_server.py`), not an Azure emulator: no emulator installs
/// here (Azurite is npm-only). It serves folders as the blobs of one container of one account, path-style like Azurite
/// (`http://127.0.0.1:N/ACCOUNT/CONTAINER/BLOB`), answers List Blobs, Get Blob and Get Blob Properties in the shapes of
/// Microsoft's Blob service REST reference, and checks every request on its own: x-ms-version, x-ms-date within 15
/// minutes, and a Shared Key signature it computes itself (or, with `sas`, exactly the token's query parameters).
public final class AzureBlobServer: Sendable {
    /// One request as the server saw it.
    public struct Request: Decodable, Sendable {
        public var method: String
        /// The path as sent (percent-encoded), e.g. `/tern/snapshots/fixtures/x/index-0`.
        public var path: String
        /// The raw query, with a SAS `sig` value withheld.
        public var query: String
        /// Header names lowercased; the Authorization header's value is never recorded.
        public var headers: [String: String]
        /// The Authorization scheme (`SharedKey`), or nil when none was sent.
        public var authorization: String?
        public var status: Int
        /// The `x-ms-error-code` of an error answer.
        public var errorCode: String?

        /// The query's parameters, decoded (`+` as a space, as the service reads it).
        public var parameters: [String: String] {
            var result: [String: String] = [:]
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map {
                    String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
                }
                result[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            return result
        }
    }

    public let account: String
    public let key: String
    public let container: String
    public let sas: String?
    /// `http://127.0.0.1:PORT/ACCOUNT`, the Blob endpoint (a connection string's `BlobEndpoint`).
    public let endpoint: URL
    private let root: URL
    private let server: ServerProcess

    /// The account key Microsoft publishes for its storage emulator (`devstoreaccount1`); any base64 key works.
    public static let emulatorKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

    /// - Parameters:
    ///   - sas: A SAS token's query; requests without an Authorization header must then carry exactly its parameters.
    ///   - pageSize: The most entries one List Blobs page holds, so that listings paginate.
    ///   - uploads: local folder → blob name prefix in the container.
    public init(
        account: String = "ternaccount", key: String = AzureBlobServer.emulatorKey, container: String = "snapshots",
        sas: String? = nil, pageSize: Int? = nil, uploads: [(folder: String, prefix: String)]
    ) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("azure_blob_server.py").path
        var arguments = ["python3", script, "--account", account, "--key", key, "--container", container]
        if let sas { arguments += ["--sas", sas] }
        if let pageSize { arguments += ["--page-size", String(pageSize)] }
        for upload in uploads { arguments += ["--upload", "\(upload.folder)=\(upload.prefix)"] }
        server = try ServerProcess(executable: "/usr/bin/env", arguments: arguments)
        guard let port = server.announcement["port"] as? Int else {
            server.stop()
            throw TestSupportError("azure_blob_server.py did not print its port")
        }
        self.account = account
        self.key = key
        self.container = container
        self.sas = sas
        self.root = URLHelper.url("http://127.0.0.1:\(port)")
        self.endpoint = URLHelper.url("http://127.0.0.1:\(port)/\(account)")
    }

    public func stop() { server.stop() }

    /// Every request answered so far, in the order they were answered.
    public func recorded() throws -> [Request] {
        let data = try Data(contentsOf: root.appendingPathComponent("_recorded"))
        return try JSONDecoder().decode([Request].self, from: data)
    }

    /// Runs `body` with a fresh server and stops it afterwards.
    public static func with<T>(
        account: String = "ternaccount", key: String = AzureBlobServer.emulatorKey, container: String = "snapshots",
        sas: String? = nil, pageSize: Int? = nil, uploads: [(folder: String, prefix: String)],
        _ body: (AzureBlobServer) async throws -> T
    ) async throws -> T {
        let server = try AzureBlobServer(account: account, key: key, container: container, sas: sas, pageSize: pageSize, uploads: uploads)
        defer { server.stop() }
        return try await body(server)
    }
}
