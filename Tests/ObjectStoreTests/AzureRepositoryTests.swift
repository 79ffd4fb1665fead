import Foundation
import Logging
import SnapshotReader
import TernCore
import TernTestSupport
import Testing

@testable import ObjectStore

/// The fixture repositories served as Azure blobs by Tern's own implementation of the exchanges Microsoft's Blob service
/// REST reference documents (`azure_blob_server.py`): no Azure emulator installs here (Azurite is npm-only). The server
/// is not Tern's code: it checks every request on its own (x-ms-version, x-ms-date, a Shared Key signature it computes
/// from Microsoft's rules, or exactly the SAS token's parameters), and Microsoft's own Python SDK reads it as it reads
/// Azure. It lists at most 3 entries a page, so every listing paginates.
@Suite("Azure Blob, against documented exchanges (no Azure emulator installs here)")
struct AzureRepositoryTests {
    static let uploads = SnapshotFixtures.repositories.map { (folder: SnapshotFixtures.repositoryPath($0), prefix: "fixtures/\($0)") }
    static let spill = ScratchFolder.processFolder.appendingPathComponent("spill").path
    /// Every Lucene file in ranges of 1 KiB through the spill folder, so ranged GETs and mapping are exercised.
    static let rangedSpilled = ObjectStoreStorage.Options(connections: 4, rangeBytes: 1024, spillThreshold: 0)

    static func randomKey() -> String {
        Data((0..<64).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    /// Requests answered with an error other than BlobNotFound, as `METHOD PATH STATUS CODE`.
    ///
    /// No test here passes a closure inside `#expect(...)`: with Swift 6.3.1 such a closure, in the closure given to
    /// `AzureBlobServer.with`, shared its discriminator with a later closure, which then ran the other's body.
    static func refused(_ recorded: [AzureBlobServer.Request]) -> [String] {
        recorded.filter { request in request.status >= 400 && request.errorCode != "BlobNotFound" }
            .map { request in "\(request.method) \(request.path) \(request.status) \(request.errorCode ?? "")" }
    }

    /// The description of the error `body` throws, or an empty string when it throws none.
    static func failure(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch {
            return "\(error)"
        }
    }

    /// Credentials and endpoint from `AZURE_STORAGE_CONNECTION_STRING`, as an operator sets them.
    static func opener(_ server: AzureBlobServer, endpoint: URL? = nil, key: String? = nil, options: ObjectStoreStorage.Options)
        -> RepositoryOpener
    {
        let connection =
            "DefaultEndpointsProtocol=http;AccountName=\(server.account);AccountKey=\(key ?? server.key);"
            + "BlobEndpoint=\((endpoint ?? server.endpoint).absoluteString)"
        var opener = RepositoryOpener(
            environment: ["AZURE_STORAGE_CONNECTION_STRING": connection, "HOME": "/nonexistent"], spillDirectory: spill,
            logger: Logger(label: "test"))
        opener.storageOptions = options
        return opener
    }

    @Test("Every fixture repository read through a Shared Key connection string holds exactly its documents (Tern's own server)")
    func everyFixtureRepositoryReadWithSharedKeyHoldsExactlyItsDocuments() async throws {
        try await AzureBlobServer.with(key: Self.randomKey(), pageSize: 3, uploads: Self.uploads) { server in
            let opener = Self.opener(server, options: Self.rangedSpilled)
            for name in SnapshotFixtures.repositories {
                try await RepositoryDocuments.expectExpected(
                    try opener.storage("azure://\(server.container)/fixtures/\(name)"), fixture: name)
            }
            let recorded = try server.recorded()
            let unsigned = recorded.filter { request in request.authorization != "SharedKey" }
            let refused = Self.refused(recorded)
            #expect(unsigned.isEmpty && !recorded.isEmpty)
            #expect(refused.isEmpty, "\(refused)")
        }
    }

    @Test("Every fixture repository read with an account SAS token and a repositories: entry's endpoint (Tern's own server)")
    func everyFixtureRepositoryReadWithASASTokenHoldsExactlyItsDocuments() async throws {
        // An account SAS as the portal gives it; the server checks the request carries exactly these parameters.
        let token = "sv=2021-08-06&ss=b&srt=co&sp=rl&se=2099-12-31T23%3A59%3A59Z&spr=https%2Chttp&sig=Zm9vYmFy%2BYmF6%2FcXV4%3D"
        try await AzureBlobServer.with(sas: token, pageSize: 3, uploads: Self.uploads) { server in
            var opener = RepositoryOpener(
                environment: ["AZURE_STORAGE_ACCOUNT": server.account, "AZURE_STORAGE_SAS_TOKEN": "?" + token, "HOME": "/nonexistent"],
                spillDirectory: Self.spill, logger: Logger(label: "test"))
            opener.storageOptions = Self.rangedSpilled
            for name in SnapshotFixtures.repositories {
                var settings = RepositorySettings(url: "azure://\(server.container)/fixtures/\(name)")
                settings.endpoint = server.endpoint
                opener.repositories = ["az": settings]
                try await RepositoryDocuments.expectExpected(try opener.storage("az"), fixture: name)
            }
            let recorded = try server.recorded()
            let withoutToken = recorded.filter { request in
                request.authorization != nil || request.parameters["sig"] != "<withheld>" || request.parameters["sp"] != "rl"
            }
            let refused = Self.refused(recorded)
            #expect(withoutToken.isEmpty && !recorded.isEmpty)
            #expect(refused.isEmpty, "\(refused)")
        }
    }

    @Test("Throttling (ServerBusy), resets and short bodies are retried and nothing is lost (Tern's own server)")
    func throttlingResetsAndShortBodiesAreRetriedAndNothingIsLost() async throws {
        try await AzureBlobServer.with(key: Self.randomKey(), pageSize: 3, uploads: Array(Self.uploads.prefix(4))) { server in
            // The proxy forwards the Host header, which Shared Key does not sign; the path it forwards is signed and unchanged.
            let proxy = try ObjectStoreFaultProxy(
                upstream: server.endpoint.deletingLastPathComponent(),
                faults: ObjectStoreFaultProxy.Faults(throttle: 0.15, reset: 0.1, short: 0.1, seed: 11, flavor: "azure"))
            defer { proxy.stop() }
            let opener = Self.opener(
                server, endpoint: proxy.url.appendingPathComponent(server.account),
                options: ObjectStoreStorage.Options(connections: 4, rangeBytes: 2048, spillThreshold: 0))
            for name in SnapshotFixtures.repositories.prefix(4) {
                try await RepositoryDocuments.expectExpected(
                    try opener.storage("azure://\(server.container)/fixtures/\(name)"), fixture: name)
            }
            let stats = try proxy.stats()
            #expect(stats.throttled > 0 && stats.resets > 0 && stats.short > 0, "the proxy injected no faults: \(stats)")
        }
    }

    @Test("A wrong account key is refused (AuthenticationFailed) with a sentence that does not quote it (Tern's own server)")
    func aWrongKeyIsRefusedWithASentenceThatDoesNotQuoteIt() async throws {
        try await AzureBlobServer.with(key: Self.randomKey(), uploads: [Self.uploads[3]]) { server in
            let wrong = Self.randomKey()
            let opener = Self.opener(server, key: wrong, options: Self.rangedSpilled)
            let storage = try opener.storage("azure://\(server.container)/fixtures/ES_7_10_Single")
            do {
                _ = try SnapshotRepository(storage: storage)
                Issue.record("a wrong key was accepted")
            } catch let error as SnapshotReaderError {
                #expect(error.ternError.kind.exitCode == .unreachable)
                #expect(error.description.contains("refused Tern's credentials"), "\(error)")
                #expect(error.description.contains("AuthenticationFailed"), "\(error)")
                #expect(!error.description.contains(wrong) && !error.description.contains(server.key))
            }
            let recorded = try server.recorded()
            let answered = recorded.filter { request in request.status != 403 || request.errorCode != "AuthenticationFailed" }
            #expect(answered.isEmpty && !recorded.isEmpty)
        }
    }

    @Test("A missing container or repository is named (Tern's own server)")
    func aMissingContainerOrRepositoryIsNamed() async throws {
        try await AzureBlobServer.with(key: Self.randomKey(), uploads: [Self.uploads[3]]) { server in
            let opener = Self.opener(server, options: Self.rangedSpilled)
            let noContainer = Self.failure { _ = try SnapshotRepository(storage: try opener.storage("azure://no-such-container/repo")) }
            #expect(noContainer.contains("the container no-such-container does not exist"), "\(noContainer)")
            #expect(noContainer.contains("ContainerNotFound"), "\(noContainer)")
            let noRepository = Self.failure {
                _ = try SnapshotRepository(storage: try opener.storage("azure://\(server.container)/fixtures/elsewhere"))
            }
            #expect(noRepository.contains("is not a snapshot repository: it has no index-N file"), "\(noRepository)")
        }
    }

    @Test("The recorded requests are ranged Get Blobs with x-ms-range and paginated List Blobs with delimiter=/ (Tern's own server)")
    func theRecordedRequestsAreRangedGetsAndDelimitedPaginatedLists() async throws {
        try await AzureBlobServer.with(key: Self.randomKey(), pageSize: 3, uploads: [Self.uploads[3]]) { server in
            let opener = Self.opener(server, options: Self.rangedSpilled)
            try await RepositoryDocuments.expectExpected(
                try opener.storage("azure://\(server.container)/fixtures/ES_7_10_Single"), fixture: "ES_7_10_Single")
            let recorded = try server.recorded()
            let unversioned = recorded.filter { request in
                request.headers["x-ms-version"] != "2021-08-06" || request.headers["x-ms-date"] == nil
            }
            #expect(unversioned.isEmpty)

            let lists = recorded.filter { request in request.parameters["comp"] == "list" }
            #expect(!lists.isEmpty)
            for list in lists {
                #expect(list.method == "GET" && list.path == "/\(server.account)/\(server.container)" && list.status == 200)
                #expect(list.parameters["restype"] == "container" && list.parameters["delimiter"] == "/", "\(list.query)")
                #expect(list.parameters["prefix"]?.hasPrefix("fixtures/ES_7_10_Single/") == true, "\(list.query)")
            }
            // Three entries a page: the root listing and the shard folders take several pages, each asked with a marker.
            let continued = lists.filter { list in list.parameters["marker"]?.hasPrefix("2!") == true }
            #expect(!continued.isEmpty, "no listing was paginated")

            let ranged = recorded.filter { request in request.method == "GET" && request.headers["x-ms-range"] != nil }
            #expect(!ranged.isEmpty)
            for get in ranged {
                #expect(get.status == 206 && get.query.isEmpty, "\(get.path) \(get.status)")
                let bounds = try #require(get.headers["x-ms-range"]?.wholeMatch(of: /bytes=(\d+)-(\d+)/))
                let (first, last) = (Int(bounds.1)!, Int(bounds.2)!)
                #expect(first % 1024 == 0 && last >= first && last - first < 1024, "\(get.headers["x-ms-range"]!)")
            }
            // A blob larger than a range is fetched in several consecutive ranges.
            let rangesPerBlob = Dictionary(grouping: ranged, by: \.path).mapValues(\.count)
            let severalRanges = rangesPerBlob.values.filter { count in count > 1 }
            #expect(!severalRanges.isEmpty)
        }
    }
}
