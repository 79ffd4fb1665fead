import Foundation
import Logging
import SnapshotReader
import TernCore

/// Opens a repository given as a folder or a URL, with credentials and endpoints found the way each cloud's own tools
/// find them (environment, profile files, metadata servers), unless a `repositories:` entry of tern.yml says otherwise.
package struct RepositoryOpener: Sendable {
    package var environment: [String: String]
    /// tern.yml's `repositories:` entries, by name.
    package var repositories: [String: RepositorySettings]
    /// Where large blobs are spilled (default: a folder under the system's temporary folder).
    package var spillDirectory: String?
    /// The spill folder's soft size cap.
    package var spillCapBytes: Int
    /// Requests in flight at once (per repository).
    package var connections: Int?
    /// How blobs are fetched (range size, spill threshold); `connections` wins over its own count.
    package var storageOptions = ObjectStoreStorage.Options()
    package var logger: Logger

    package init(
        environment: [String: String] = ProcessInfo.processInfo.environment, repositories: [String: RepositorySettings] = [:],
        spillDirectory: String? = nil, spillCapBytes: Int = 8 << 30, connections: Int? = nil,
        logger: Logger = Logger(label: "tern.object-store")
    ) {
        self.environment = environment
        self.repositories = repositories
        self.spillDirectory = spillDirectory
        self.spillCapBytes = spillCapBytes
        self.connections = connections
        self.logger = logger
    }

    /// The storage of the repository `location`: a tern.yml entry's name, an `s3://`, `gs://` or `azure://` URL, or a
    /// folder.
    package func storage(_ location: String) throws(SnapshotReaderError) -> any RepositoryStorage {
        let settings = repositories[location] ?? repositories.values.first { $0.url == location }
        guard let url = try RepositoryURL.parse(settings?.url ?? location) else {
            return try FolderStorage(path: location)
        }
        let service: any BlobService
        switch url.kind {
        case .s3: service = try S3Configuration(url: url, settings: settings, environment: environment, logger: logger).service()
        case .gcs: service = try GCSConfiguration(url: url, settings: settings, environment: environment).service()
        case .azure: service = try AzureConfiguration(url: url, settings: settings, environment: environment).service()
        }
        let spillPath = spillDirectory ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("tern-spill")
        let spill: SpillFolder
        do {
            spill = try SpillFolder(path: spillPath, capBytes: spillCapBytes)
        } catch {
            throw SnapshotReaderError.invalidInput(
                "Cannot create the spill folder \(spillPath): \(error.localizedDescription); give --spill-dir.")
        }
        var options = storageOptions
        options.connections = max(1, settings?.connections ?? connections ?? storageOptions.connections)
        return ObjectStoreStorage(service: service, http: BlobHTTP.shared, spill: spill, options: options, logger: logger)
    }
}
