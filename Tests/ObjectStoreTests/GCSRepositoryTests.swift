import Foundation
import Logging
import SnapshotReader
import TernTestSupport
import Testing

@testable import ObjectStore

/// The fixture repositories uploaded into fake-gcs-server (Google's JSON API, found through `STORAGE_EMULATOR_HOST` as
/// Google's client libraries find an emulator), read in place.
@Suite struct GCSRepositoryTests {
    static let uploads = SnapshotFixtures.repositories.map { (folder: SnapshotFixtures.repositoryPath($0), prefix: "fixtures/\($0)") }

    static func opener(_ endpoint: URL, options: ObjectStoreStorage.Options) -> RepositoryOpener {
        var opener = RepositoryOpener(
            environment: ["STORAGE_EMULATOR_HOST": "\(endpoint.host ?? ""):\(endpoint.port ?? 0)", "HOME": "/nonexistent"],
            spillDirectory: ScratchFolder.processFolder.appendingPathComponent("spill").path,
            logger: Logger(label: "test"))
        opener.storageOptions = options
        return opener
    }

    @Test func everyFixtureRepositoryReadFromGCSHoldsExactlyItsDocuments() async throws {
        try await ObjectStoreServer.with(kind: .gcs, uploads: Self.uploads) { server in
            let opener = Self.opener(
                server.endpoint, options: ObjectStoreStorage.Options(connections: 4, rangeBytes: 1024, spillThreshold: 0))
            for name in SnapshotFixtures.repositories {
                try await RepositoryDocuments.expectExpected(try opener.storage("gs://\(server.bucket)/fixtures/\(name)"), fixture: name)
            }
        }
    }

    @Test func faultsOnTheWayAreRetriedAndNothingIsLost() async throws {
        try await ObjectStoreServer.with(kind: .gcs, uploads: Array(Self.uploads.suffix(3))) { server in
            let proxy = try ObjectStoreFaultProxy(
                upstream: server.endpoint,
                faults: ObjectStoreFaultProxy.Faults(throttle: 0.15, throttleStatus: 429, reset: 0.1, short: 0.1, seed: 5, flavor: "gcs"))
            defer { proxy.stop() }
            let opener = Self.opener(proxy.url, options: ObjectStoreStorage.Options(connections: 4, rangeBytes: 2048, spillThreshold: 0))
            for name in SnapshotFixtures.repositories.suffix(3) {
                try await RepositoryDocuments.expectExpected(try opener.storage("gs://\(server.bucket)/fixtures/\(name)"), fixture: name)
            }
            let stats = try proxy.stats()
            #expect(stats.throttled > 0 && stats.resets > 0 && stats.short > 0, "the proxy injected no faults: \(stats)")
        }
    }
}
