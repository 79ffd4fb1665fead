import Foundation
import TernCore
import Testing

@testable import SnapshotReader

/// A damaged copy of a real repository gives one sentence naming the file and the shard, never a crash.
@Suite struct DamagedRepositoryTests {
    /// A writable copy of a fixture repository in a temporary folder.
    final class RepositoryCopy {
        let path: String

        init(_ name: String) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-damaged-\(UUID().uuidString)").path
            try FileManager.default.copyItem(atPath: SnapshotFixtureTests.repositoryPath(name), toPath: path)
            let files = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
            for file in files + [""] {
                try FileManager.default.setAttributes(
                    [.posixPermissions: 0o755], ofItemAtPath: (path as NSString).appendingPathComponent(file))
            }
        }

        func url(_ relative: String) -> URL { URL(fileURLWithPath: path).appendingPathComponent(relative) }

        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Reads every document of the copy and returns the error message, or records an issue if nothing failed.
    func failure(reading copy: RepositoryCopy) async -> String? {
        do {
            let repository = try SnapshotRepository(path: copy.path)
            let snapshot = try #require(repository.data.snapshots.first)
            for try await _ in try SnapshotDocumentReader.batches(
                repository: repository, snapshot: snapshot, indices: repository.data.indices(of: snapshot))
            {}
            Issue.record("the damaged repository was read without an error")
            return nil
        } catch let error as SnapshotReaderError {
            return error.description
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    /// The shard's largest data blob (the stored fields or compound file).
    func largestBlob(_ copy: RepositoryCopy) throws -> (blob: String, physical: String, folder: String) {
        let repository = try SnapshotRepository(path: copy.path)
        let snapshot = try #require(repository.data.snapshots.first)
        let index = try #require(repository.data.indices(of: snapshot).first)
        let directory = try repository.shardDirectory(index, shard: 0, in: snapshot)
        let file = try #require(directory.files.filter { !$0.isVirtual }.max { $0.length < $1.length })
        return (file.blobName, file.physicalName, "indices/\(index.id)/0")
    }

    @Test func missingBlob() async throws {
        let copy = try RepositoryCopy("ES_7_10_Updates_Deletes_wo_Soft")
        let target = try largestBlob(copy)
        try FileManager.default.removeItem(at: copy.url("\(target.folder)/\(target.blob)"))
        let message = await failure(reading: copy)
        #expect(
            message?.contains(
                "\(target.physical) (blob \(target.blob) of shard 0 of index test_updates_deletes in snapshot rfs_snapshot) is missing")
                == true, "\(message ?? "")")
    }

    @Test func truncatedBlob() async throws {
        let copy = try RepositoryCopy("ES_7_10_Updates_Deletes_wo_Soft")
        let target = try largestBlob(copy)
        let url = copy.url("\(target.folder)/\(target.blob)")
        let data = try Data(contentsOf: url)
        try data.prefix(data.count / 2).write(to: url)
        let message = await failure(reading: copy)
        #expect(
            message?.hasPrefix(
                "\(target.physical) (blob \(target.blob) of shard 0 of index test_updates_deletes in snapshot rfs_snapshot) is corrupt")
                == true, "\(message ?? "")")
        #expect(message?.contains("where the file list says") == true)
    }

    @Test func corruptedShardFileList() async throws {
        let copy = try RepositoryCopy("ES_7_10_Updates_Deletes_wo_Soft")
        let target = try largestBlob(copy)
        let snapshot = try #require(try SnapshotRepository(path: copy.path).data.snapshots.first)
        let url = copy.url("\(target.folder)/snap-\(snapshot.uuid).dat")
        var data = try Data(contentsOf: url)
        data[data.count / 2] ^= 0x40
        try data.write(to: url)
        let message = await failure(reading: copy)
        #expect(
            message?.hasPrefix(
                "\(target.folder)/snap-\(snapshot.uuid).dat (the file list of shard 0 of index test_updates_deletes in snapshot rfs_snapshot) is corrupt"
            ) == true, "\(message ?? "")")
        #expect(message?.contains("checksum mismatch") == true)
    }

    @Test func flippedByteInsideStoredData() async throws {
        let copy = try RepositoryCopy("ES_6_8_Single")
        let target = try largestBlob(copy)
        let url = copy.url("\(target.folder)/\(target.blob)")
        var data = try Data(contentsOf: url)
        data[data.count / 3] ^= 0xFF
        try data.write(to: url)
        // The footer checksum still matches the list, so the damage shows while decoding, or with --verify.
        do {
            let repository = try SnapshotRepository(path: copy.path)
            let snapshot = try #require(repository.data.snapshots.first)
            var options = SnapshotDocumentReader.Options()
            options.verifyChecksums = true
            for try await _ in try SnapshotDocumentReader.batches(
                repository: repository, snapshot: snapshot, indices: repository.data.indices(of: snapshot), options: options)
            {}
            Issue.record("a flipped byte went unnoticed with checksum verification on")
        } catch let error as SnapshotReaderError {
            #expect(error.description.contains(target.blob), "\(error.description)")
        }
    }

    @Test func corruptCatalogue() throws {
        let copy = try RepositoryCopy("ES_6_8_Single")
        try Data("{\"snapshots\": [".utf8).write(to: copy.url("index-1"))
        #expect(
            throws: SnapshotReaderError.corrupt(
                "index-1", at: 0,
                "the repository catalogue is not valid JSON (cut short or damaged); copy index-1 again from the repository, or give a copy taken when no snapshot was running"
            )
        ) {
            try SnapshotRepository(path: copy.path)
        }
    }

    @Test func sourceDisabledIsRefusedWithAReason() async throws {
        let copy = try RepositoryCopy("ES_7_10_Single")
        let repository = try SnapshotRepository(path: copy.path)
        let snapshot = try #require(repository.data.snapshots.first)
        let index = try repository.index(named: "posts_2023_02_25", in: snapshot)
        let key = try #require(snapshot.indexMetadataLookup[index.id].flatMap { repository.data.indexMetadataIdentifiers[$0] })
        let json = #"{"posts_2023_02_25":{"settings":{"index.number_of_shards":"1"},"mappings":{"_doc":{"_source":{"enabled":false}}}}}"#
        try BlobWriter.write(codec: "index-metadata", json: json, to: copy.url("indices/\(index.id)/meta-\(key).dat"))
        do {
            _ = try SnapshotDocumentReader.batches(
                repository: try SnapshotRepository(path: copy.path), snapshot: snapshot, indices: [index])
            Issue.record("an index with _source disabled was accepted")
        } catch {
            #expect(error.description.hasPrefix("Index posts_2023_02_25 in snapshot global_state_snapshot stores no _source"))
        }
    }
}

/// Writes a metadata blob the way Elasticsearch frames it (codec header, JSON payload, CRC32 footer).
enum BlobWriter {
    static func write(codec: String, json: String, to url: URL) throws {
        var bytes: [UInt8] = [0x3F, 0xD7, 0x6C, 0x17, UInt8(codec.utf8.count)] + Array(codec.utf8) + [0, 0, 0, 1]
        bytes += Array(json.utf8)
        bytes += [0xC0, 0x28, 0x93, 0xE8, 0, 0, 0, 0]
        let crc = UInt64(crc32(bytes))
        bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: crc >> (8 * UInt64($0))) }
        try Data(bytes).write(to: url)
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
