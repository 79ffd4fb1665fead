import Foundation
import TernCore
import TernTestSupport
import Testing

@testable import SnapshotReader

/// Damaged blobs of the new repository shapes give one sentence naming the file, the shard, the index and the snapshot,
/// never a crash or a short result.
@Suite struct AssembledDamageTests {
    static func assemble(_ layout: AssembledRepository.Layout = .elasticsearch8) throws -> AssembledRepository {
        try AssembledRepository.assemble(layout, indices: try AssembledRepositoryTests.indices(layout))
    }

    /// Reads everything and returns the error's sentence, or records an issue when nothing failed.
    static func failure(_ assembled: AssembledRepository, verify: Bool = false) async -> String? {
        do {
            _ = try await AssembledRepositoryTests.readAll(assembled.root.path, verify: verify)
            Issue.record("the damaged repository was read without an error")
            return nil
        } catch let error as SnapshotReaderError {
            return error.description
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    static func damage(_ url: URL, _ change: (inout Data) -> Void) throws {
        var data = try Data(contentsOf: url)
        change(&data)
        try data.write(to: url)
    }

    @Test("A truncated index-N names the file and what to do (assembled Elasticsearch 8.15 layout)")
    func truncatedCatalogue() async throws {
        let assembled = try Self.assemble()
        defer { assembled.remove() }
        try Self.damage(assembled.url("index-3")) { $0 = $0.prefix($0.count / 2) }
        #expect(
            await Self.failure(assembled)
                == "index-3 is corrupt at byte 0: the repository catalogue is not valid JSON (cut short or damaged); copy index-3 again from the repository, or give a copy taken when no snapshot was running."
        )
    }

    @Test("A bit-flipped index-N names the file (assembled OpenSearch 2.17 layout)")
    func bitFlippedCatalogue() async throws {
        let assembled = try Self.assemble(.openSearch217HashedPrefix)
        defer { assembled.remove() }
        try Self.damage(assembled.url("index-3")) { data in
            let quote = data.firstIndex(of: UInt8(ascii: "\""))!
            data[quote] ^= 0x01
        }
        #expect(
            await Self.failure(assembled)?.hasPrefix("index-3 is corrupt at byte 0: the repository catalogue is not valid JSON") == true)
    }

    @Test("A damaged shard index-<generation> does not change the documents; --verify names it (assembled Elasticsearch 8.15 layout)")
    func damagedShardGeneration() async throws {
        let assembled = try Self.assemble()
        defer { assembled.remove() }
        let folder = try #require(assembled.shardFolders["logs"]?[1])
        let generation = try #require(assembled.shardGenerations["logs"]?[1])
        try Self.damage(assembled.url("\(folder)/index-\(generation)")) { $0[$0.count / 2] ^= 0x10 }
        #expect(try await AssembledRepositoryTests.readAll(assembled.root.path) == (try AssembledRepositoryTests.expected(.elasticsearch8)))
        let message = await Self.failure(assembled, verify: true)
        #expect(
            message?.hasPrefix(
                "\(folder)/index-\(generation) (the catalogue of shard 1 of index logs, generation \(generation), read for snapshot nightly) is corrupt"
            ) == true, "\(message ?? "")")
        #expect(message?.contains("checksum mismatch") == true && message?.contains("copy it again from the repository") == true)
    }

    @Test(
        "A truncated or bit-flipped shard snap-*.dat names file, shard, index and snapshot (assembled Elasticsearch 8.15 layout)",
        arguments: [true, false])
    func damagedShardFileList(truncate: Bool) async throws {
        let assembled = try Self.assemble()
        defer { assembled.remove() }
        let folder = try #require(assembled.shardFolders["events"]?[0])
        let file = "\(folder)/snap-\(assembled.snapshotUUID).dat"
        try Self.damage(assembled.url(file)) { data in
            if truncate { data = data.prefix(data.count - 7) } else { data[data.count / 2] ^= 0x04 }
        }
        let message = await Self.failure(assembled)
        #expect(
            message?.hasPrefix("\(file) (the file list of shard 0 of index events in snapshot nightly) is corrupt") == true,
            "\(message ?? "")")
        #expect(message?.contains(truncate ? "the footer is missing" : "checksum mismatch") == true, "\(message ?? "")")
    }

    @Test("A truncated data blob of a hashed shard folder is named with its shard (assembled OpenSearch 2.17 layout)")
    func truncatedDataBlob() async throws {
        let assembled = try Self.assemble(.openSearch217HashedPrefix)
        defer { assembled.remove() }
        let folder = try #require(assembled.shardFolders["logs"]?[0])
        let names = try FileManager.default.contentsOfDirectory(atPath: assembled.url(folder).path).filter { $0.hasPrefix("__") }
        let largest = try #require(
            names.max { lhs, rhs in
                let size = { (name: String) in
                    (try? FileManager.default.attributesOfItem(atPath: assembled.url("\(folder)/\(name)").path)[.size] as? Int) ?? 0
                }
                return size(lhs) < size(rhs)
            })
        try Self.damage(assembled.url("\(folder)/\(largest)")) { $0 = $0.prefix($0.count / 2) }
        let message = await Self.failure(assembled)
        #expect(message?.contains("(blob \(largest) of shard 0 of index logs in snapshot nightly) is corrupt") == true, "\(message ?? "")")
        #expect(message?.contains("where the file list says") == true)
        #expect(
            message?.hasSuffix(
                "; the repository's copy is damaged: copy that blob again from the repository's storage, or read index logs from another snapshot than nightly."
            ) == true, "\(message ?? "")")
    }
}
