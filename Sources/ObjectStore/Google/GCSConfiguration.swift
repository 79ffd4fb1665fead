import Foundation
import SnapshotReader
import TernCore

/// Where a `gs://` repository is and how Tern authenticates, found as Google's client libraries find it: an emulator
/// (`STORAGE_EMULATOR_HOST`, no credentials), a service-account key (`GOOGLE_APPLICATION_CREDENTIALS` or the entry's
/// `credentials_file`), else the metadata server of the machine (GCE, GKE workload identity, Cloud Run).
struct GCSConfiguration {
    let url: RepositoryURL
    let settings: RepositorySettings?
    let environment: [String: String]

    func service() throws(SnapshotReaderError) -> GCSService {
        if let emulator = environment["STORAGE_EMULATOR_HOST"], !emulator.isEmpty, settings?.credentialsFile == nil {
            let text = emulator.contains("://") ? emulator : "http://\(emulator)"
            guard let endpoint = settings?.endpoint ?? URL(string: text), endpoint.host != nil else {
                throw SnapshotReaderError.invalidInput("STORAGE_EMULATOR_HOST='\(emulator)' is not a host:port or URL.")
            }
            return GCSService(url: url, endpoint: endpoint, token: { nil })
        }
        let endpoint = settings?.endpoint ?? URL(string: "https://storage.googleapis.com")!
        let provider: GoogleTokenProvider
        if let path = settings?.credentialsFile ?? environment["GOOGLE_APPLICATION_CREDENTIALS"], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SnapshotReaderError.invalidInput(
                    "Cannot read the Google credentials file \(path) (GOOGLE_APPLICATION_CREDENTIALS or credentials_file); check the path.")
            }
            do {
                provider = GoogleTokenProvider(source: .serviceAccount(try GoogleServiceAccount(json: data)))
            } catch {
                throw SnapshotReaderError.invalidInput("The Google credentials file \(path) cannot be used: \(error.description)")
            }
        } else {
            let host = environment["GCE_METADATA_HOST"] ?? "metadata.google.internal"
            provider = GoogleTokenProvider(source: .metadataServer(host: host))
        }
        return GCSService(url: url, endpoint: endpoint, token: { () throws(BlobFailure) in try provider.token() })
    }
}
