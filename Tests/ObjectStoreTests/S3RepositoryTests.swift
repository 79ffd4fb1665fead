import Foundation
import Logging
import SnapshotReader
import TernCore
import TernTestSupport
import Testing

@testable import ObjectStore

/// The fixture repositories uploaded into a real S3 server (moto) that checks every SigV4 signature, read in place.
@Suite struct S3RepositoryTests {
    static let uploads = SnapshotFixtures.repositories.map { (folder: SnapshotFixtures.repositoryPath($0), prefix: "fixtures/\($0)") }

    /// Credentials and endpoint from the environment, as an operator sets them; nothing from this machine's ~/.aws.
    static func opener(_ server: ObjectStoreServer, endpoint: URL? = nil, secret: String? = nil, options: ObjectStoreStorage.Options? = nil)
        -> RepositoryOpener
    {
        var opener = RepositoryOpener(
            environment: [
                "AWS_ACCESS_KEY_ID": server.accessKeyID ?? "testing",
                "AWS_SECRET_ACCESS_KEY": secret ?? server.secretAccessKey ?? "testing",
                "AWS_ENDPOINT_URL": (endpoint ?? server.endpoint).absoluteString, "AWS_REGION": "us-east-1", "HOME": "/nonexistent",
                "AWS_EC2_METADATA_DISABLED": "true",
            ], spillDirectory: ScratchFolder.processFolder.appendingPathComponent("spill").path,
            logger: Logger(label: "test"))
        if let options { opener.storageOptions = options }
        return opener
    }

    @Test func everyFixtureRepositoryReadFromS3HoldsExactlyItsDocuments() async throws {
        try await ObjectStoreServer.with(kind: .s3, uploads: Self.uploads, verifySignatures: true) { server in
            // Every Lucene file in ranges of 1 KiB through the spill folder, so ranged GETs and mapping are exercised.
            let opener = Self.opener(server, options: ObjectStoreStorage.Options(connections: 4, rangeBytes: 1024, spillThreshold: 0))
            for name in SnapshotFixtures.repositories {
                try await RepositoryDocuments.expectExpected(try opener.storage("s3://\(server.bucket)/fixtures/\(name)"), fixture: name)
            }
        }
    }

    @Test func throttlingResetsAndShortBodiesAreRetriedAndNothingIsLost() async throws {
        try await ObjectStoreServer.with(kind: .s3, uploads: Array(Self.uploads.prefix(4)), verifySignatures: true) { server in
            let proxy = try ObjectStoreFaultProxy(
                upstream: server.endpoint, faults: ObjectStoreFaultProxy.Faults(throttle: 0.15, reset: 0.1, short: 0.1, seed: 11))
            defer { proxy.stop() }
            let opener = Self.opener(
                server, endpoint: proxy.url, options: ObjectStoreStorage.Options(connections: 4, rangeBytes: 2048, spillThreshold: 0))
            for name in SnapshotFixtures.repositories.prefix(4) {
                try await RepositoryDocuments.expectExpected(try opener.storage("s3://\(server.bucket)/fixtures/\(name)"), fixture: name)
            }
            let stats = try proxy.stats()
            #expect(stats.throttled > 0 && stats.resets > 0 && stats.short > 0, "the proxy injected no faults: \(stats)")
        }
    }

    @Test func aWrongSecretIsRefusedWithASentenceThatDoesNotQuoteIt() async throws {
        try await ObjectStoreServer.with(kind: .s3, uploads: [Self.uploads[3]], verifySignatures: true) { server in
            let secret = "wrong-secret-\(UUID().uuidString)"
            let opener = Self.opener(server, secret: secret)
            let storage = try opener.storage("s3://\(server.bucket)/fixtures/ES_7_10_Single")
            do {
                _ = try SnapshotRepository(storage: storage)
                Issue.record("a wrong secret was accepted")
            } catch let error as SnapshotReaderError {
                #expect(error.ternError.kind.exitCode == .unreachable)
                #expect(error.description.contains("refused Tern's credentials"), "\(error)")
                #expect(!error.description.contains(secret))
            }
        }
    }

    @Test func aMissingBucketOrRepositoryIsNamed() async throws {
        try await ObjectStoreServer.with(kind: .s3, uploads: [Self.uploads[3]]) { server in
            let opener = Self.opener(server)
            #expect {
                _ = try SnapshotRepository(storage: try opener.storage("s3://no-such-bucket/repo"))
            } throws: { error in
                "\(error)".contains("the bucket no-such-bucket does not exist")
            }
            #expect {
                _ = try SnapshotRepository(storage: try opener.storage("s3://\(server.bucket)/fixtures/elsewhere"))
            } throws: { error in
                "\(error)".contains("is not a snapshot repository: it has no index-N file")
            }
        }
    }

    @Test func aBlobDamagedInTheStoreFailsItsChecksum() async throws {
        // A copy of a repository with one byte of the shard's largest Lucene file flipped, uploaded as it is.
        let copy = try ScratchFolder.make("tern-damaged")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(atPath: SnapshotFixtures.repositoryPath("ES_7_10_Single"), toPath: copy.path)
        let repository = try SnapshotRepository(path: copy.path)
        let snapshot = try #require(repository.data.snapshots.first)
        let index = try #require(repository.data.indices(of: snapshot).first)
        let directory = try repository.shardDirectory(index, shard: 0, in: snapshot)
        let fdt = try #require(directory.files.filter { !$0.isVirtual }.max { $0.length < $1.length })
        let path = copy.appendingPathComponent("\(directory.folder)/\(fdt.blobName)")
        var bytes = try Data(contentsOf: path)
        bytes[bytes.count / 2] ^= 0x5A
        try bytes.write(to: path)
        try await ObjectStoreServer.with(kind: .s3, uploads: [(folder: copy.path, prefix: "damaged")]) { server in
            let opener = Self.opener(server, options: ObjectStoreStorage.Options(connections: 2, rangeBytes: 1024, spillThreshold: 0))
            let storage = try opener.storage("s3://\(server.bucket)/damaged")
            let remote = try SnapshotRepository(storage: storage)
            #expect {
                _ = try remote.shardDirectory(index, shard: 0, in: snapshot).open(fdt.physicalName)
            } throws: { error in
                "\(error)".contains("have CRC32") && "\(error)".contains("damaged")
            }
        }
    }
}
