import Foundation
import TernCore

/// An `fs` snapshot repository assembled in the shape a newer server writes, around real Lucene index folders, for the
/// servers that cannot run here (OpenSearch 2.x/3.x, Elasticsearch 8.x/9.x). Tests that use one say so in their name.
///
/// What is assembled, as those servers' public source writes it: `index-N` (plain JSON) and `index.latest`; root
/// `snap-<uuid>.dat` (codec `snapshot`, `{"snapshot":{...}}`) and `meta-<uuid>.dat` (codec `metadata`); the index's
/// `meta-<blob id>.dat` (codec `index-metadata`) found through `index_metadata_lookup` + `index_metadata_identifiers`;
/// per shard `snap-<uuid>.dat` (codec `snapshot`, the file list), a UUID-named `index-<generation>` (codec `snapshots`)
/// and one `__<uuid>` blob per Lucene file (split into `.partN` when `partSize` says so), with `segments_N` and `.si`
/// as virtual `v__` files whose content is their `meta_hash`. Metadata blobs carry the checksum framing (codec header,
/// CRC32 footer); payloads are JSON (the servers write SMILE, which the reader is tested on with Jackson elsewhere),
/// DEFLATE-compressed by Python's zlib (`DFL\0`) where the layout compresses, as Elasticsearch 8+ does by default.
/// OpenSearch 2.17+ hashed shard paths put shard folders under a hash folder listed in `snapshot_shard_paths/`.
public struct AssembledRepository: Sendable {
    /// What differs between the servers' repositories.
    public struct Layout: Sendable, CustomStringConvertible {
        /// "OpenSearch 2.17", for messages.
        public var server: String
        /// `version` of the snapshot in `index-N`: a release string, or Elasticsearch 8.9+'s index-version number.
        public var catalogueVersion: JSONValue
        /// `index.version.created` of the index (OpenSearch ids carry bit 27).
        public var indexCreated: Int
        /// `version` and `version_id` of the root `snap-*.dat`.
        public var release: String
        public var releaseID: Int
        /// The real Lucene whose segments the tests wrap for this server: the closest release the fixtures can write
        /// (Lucene 9.9 for OpenSearch 2.x and Elasticsearch 8.x, the Lucene 10.4 formats for OpenSearch 3.x and
        /// Elasticsearch 9.x). Each file's `written_by` names it.
        public var lucene: LuceneFixtures.Version
        /// The fixture generator's mode shaped like this server's segments: OpenSearch 2.x's k-NN codec label, OpenSearch
        /// 3.x's zstd custom codec, Elasticsearch 8.14+'s zstd stored fields.
        public var serverMode: String
        /// DEFLATE metadata blobs (`compress: true`, the Elasticsearch 8+ default).
        public var compress: Bool
        /// OpenSearch shard path type: 0 fixed, 1 hashed prefix, 2 hashed infix.
        public var shardPathType: Int
        /// The file name prefix of `snapshot_shard_paths/` entries (`snapshot_path_` from OpenSearch 3.x, none in 2.17).
        public var shardPathsPrefix: String
        /// Split data blobs into parts of this many bytes (`chunk_size`).
        public var partSize: Int?
        /// An OpenSearch shallow copy: `shallow-snap-*.dat` in shard folders and no data blobs.
        public var shallowCopy: Bool = false

        /// How a test argument names it: the server, its shard paths and the segments it wraps.
        public var description: String {
            let paths = ["fixed", "hashed prefix", "hashed infix"][min(max(shardPathType, 0), 2)]
            return "\(server) (\(paths) shard paths, \(lucene) segments)"
        }

        public static let openSearch211 = Layout(
            server: "OpenSearch 2.11", catalogueVersion: .string("2.11.1"), indexCreated: 0x0800_0000 | 2_11_01_99, release: "2.11.1",
            releaseID: 0x0800_0000 | 2_11_01_99, lucene: .lucene99, serverMode: "opensearch", compress: false, shardPathType: 0,
            shardPathsPrefix: "",
            partSize: nil)
        public static let openSearch217HashedPrefix = Layout(
            server: "OpenSearch 2.17", catalogueVersion: .string("2.17.1"), indexCreated: 0x0800_0000 | 2_17_01_99, release: "2.17.1",
            releaseID: 0x0800_0000 | 2_17_01_99, lucene: .lucene99, serverMode: "opensearch", compress: false, shardPathType: 1,
            shardPathsPrefix: "",
            partSize: nil)
        public static let openSearch3 = Layout(
            server: "OpenSearch 3.1", catalogueVersion: .string("3.1.0"), indexCreated: 0x0800_0000 | 3_01_00_99, release: "3.1.0",
            releaseID: 0x0800_0000 | 3_01_00_99, lucene: .lucene104, serverMode: "opensearch-zstd", compress: true, shardPathType: 0,
            shardPathsPrefix: "",
            partSize: 4096)
        public static let openSearch3HashedInfix = Layout(
            server: "OpenSearch 3.1", catalogueVersion: .string("3.1.0"), indexCreated: 0x0800_0000 | 3_01_00_99, release: "3.1.0",
            releaseID: 0x0800_0000 | 3_01_00_99, lucene: .lucene104, serverMode: "opensearch-zstd", compress: false, shardPathType: 2,
            shardPathsPrefix: "snapshot_path_", partSize: nil)
        public static let elasticsearch8 = Layout(
            server: "Elasticsearch 8.15", catalogueVersion: .int(8_512_000), indexCreated: 8_512_000, release: "8.15.0",
            releaseID: 8_512_000, lucene: .lucene99, serverMode: "elasticsearch-zstd", compress: true, shardPathType: 0,
            shardPathsPrefix: "",
            partSize: nil)
        public static let elasticsearch9 = Layout(
            server: "Elasticsearch 9.0", catalogueVersion: .int(9_009_000), indexCreated: 9_009_000, release: "9.0.0",
            releaseID: 9_009_000, lucene: .lucene104, serverMode: "elasticsearch-zstd", compress: true, shardPathType: 0,
            shardPathsPrefix: "",
            partSize: nil)
    }

    /// One index of the snapshot: a Lucene folder per shard, and its settings and mappings.
    public struct Index: Sendable {
        public var name: String
        public var shards: [URL]
        /// Flat settings added to the generated ones (`index.mode`, `index.mapping.source.mode`...).
        public var settings: [String: JSONValue]
        /// The typeless mapping (`{"properties":...,"_source":...}`), stored as `[{"_doc": mapping}]` like a snapshot does.
        public var mapping: JSONValue

        public init(name: String, shards: [URL], settings: [String: JSONValue] = [:], mapping: JSONValue = .object([:])) {
            self.name = name
            self.shards = shards
            self.settings = settings
            self.mapping = mapping
        }
    }

    public let root: URL
    public let snapshot: String
    public let snapshotUUID: String
    /// Index name -> its folder id under `indices/`.
    public let indexIDs: [String: String]
    /// Index name -> shard number -> the shard folder, relative to the root.
    public let shardFolders: [String: [String]]
    /// Index name -> shard number -> the shard's `index-<generation>` blob name.
    public let shardGenerations: [String: [String]]
    /// The catalogue's generation (`index-<N>`).
    public let generation: Int

    /// Writes a repository into a new temporary folder; remove it with `remove()`.
    /// - Parameter customs: cluster-state customs for the global metadata (`data_stream`, `index_lifecycle`...).
    public static func assemble(
        _ layout: Layout, snapshot: String = "nightly", indices: [Index], generation: Int = 3, customs: [String: JSONValue] = [:]
    ) throws -> AssembledRepository {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tern-assembled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var writer = Writer(root: root, layout: layout)
        let snapshotUUID = writer.uuid()
        var indexIDs: [String: String] = [:]
        var shardFolders: [String: [String]] = [:]
        var shardGenerations: [String: [String]] = [:]
        var catalogueIndices: [String: JSONValue] = [:]
        var lookup: [String: JSONValue] = [:]
        var identifiers: [String: JSONValue] = [:]
        for index in indices {
            let id = writer.uuid()
            indexIDs[index.name] = id
            let indexUUID = writer.uuid()
            var settings: [String: JSONValue] = [
                "index.number_of_shards": .string(String(index.shards.count)), "index.number_of_replicas": .string("1"),
                "index.uuid": .string(indexUUID), "index.version.created": .string(String(layout.indexCreated)),
                "index.provided_name": .string(index.name), "index.creation_date": .string("1735689600000"),
            ]
            for (key, value) in index.settings { settings[key] = value }
            let metadata: JSONValue = .object([
                index.name: .object([
                    "version": .int(4), "mapping_version": .int(1), "settings_version": .int(1), "aliases_version": .int(1),
                    "routing_num_shards": .int(1024), "state": .string("open"), "settings": .object(settings),
                    "mappings": .array([.object(["_doc": index.mapping])]), "aliases": .object([:]),
                    "primary_terms": .object(Dictionary(uniqueKeysWithValues: index.shards.indices.map { (String($0), JSONValue.int(1)) })),
                    "in_sync_allocations": .object([:]), "rollover_info": .object([:]), "system": .bool(false),
                ])
            ])
            let metaBlob = writer.uuid()
            let identifierKey = "\(indexUUID)-_na_-1-1-1"
            identifiers[identifierKey] = .string(metaBlob)
            lookup[id] = .string(identifierKey)
            try writer.blob("indices/\(id)/meta-\(metaBlob).dat", codec: "index-metadata", metadata)

            var folders: [String] = []
            var generations: [String] = []
            for (shard, lucene) in index.shards.enumerated() {
                let folder = writer.shardFolder(indexID: id, shard: shard)
                folders.append(folder)
                let generationBlob = writer.uuid()
                generations.append(generationBlob)
                try writer.shard(lucene, folder: folder, snapshot: snapshot, snapshotUUID: snapshotUUID, generation: generationBlob)
            }
            shardFolders[index.name] = folders
            shardGenerations[index.name] = generations
            if layout.shardPathType != 0 {
                let name = "\(layout.shardPathsPrefix)\(id).\(index.name).\(index.shards.count).\(layout.shardPathType).1"
                let paths: JSONValue = .object([
                    "indexId": .string(id), "indexName": .string(index.name), "number_of_shards": .int(Int64(index.shards.count)),
                    "shard_path_type": .int(Int64(layout.shardPathType)), "shard_path_hash_algorithm": .int(1),
                    "paths": .array(folders.map { .string($0 + "/") }),
                ])
                try writer.write("snapshot_shard_paths/\(name)", try Writer.json(paths))
            }
            var entry: [String: JSONValue] = [
                "id": .string(id), "snapshots": .array([.string(snapshotUUID)]),
                "shard_generations": .array(generations.map(JSONValue.string)),
            ]
            if layout.shardPathType != 0 { entry["shard_path_type"] = .int(Int64(layout.shardPathType)) }
            catalogueIndices[index.name] = .object(entry)
        }

        var info: [String: JSONValue] = [
            "name": .string(snapshot), "uuid": .string(snapshotUUID), "version_id": .int(Int64(layout.releaseID)),
            "version": .string(layout.release), "indices": .array(indices.map { .string($0.name) }), "data_streams": .array([]),
            "include_global_state": .bool(true), "state": .string("SUCCESS"), "start_time": .int(1_735_689_600_000),
            "end_time": .int(1_735_689_601_000), "total_shards": .int(Int64(indices.reduce(0) { $0 + $1.shards.count })),
            "successful_shards": .int(Int64(indices.reduce(0) { $0 + $1.shards.count })), "failures": .array([]),
        ]
        if layout.shallowCopy { info["remote_store_index_shallow_copy"] = .bool(true) }
        try writer.blob("snap-\(snapshotUUID).dat", codec: "snapshot", .object(["snapshot": .object(info)]))
        try writer.blob(
            "meta-\(snapshotUUID).dat", codec: "metadata",
            .object([
                "meta-data": .object(
                    [
                        "version": .int(7), "cluster_uuid": .string(writer.uuid()), "cluster_uuid_committed": .bool(true),
                        "templates": .object([:]),
                    ].merging(customs) { $1 })
            ]))

        let catalogue: JSONValue = .object([
            "min_version": .string("7.12.0"), "uuid": .string(writer.uuid()), "cluster_id": .string(writer.uuid()),
            "snapshots": .array([
                .object([
                    "name": .string(snapshot), "uuid": .string(snapshotUUID), "state": .int(1), "index_metadata_lookup": .object(lookup),
                    "version": layout.catalogueVersion, "start_time_millis": .int(1_735_689_600_000),
                    "end_time_millis": .int(1_735_689_601_000),
                ])
            ]),
            "indices": .object(catalogueIndices), "index_metadata_identifiers": .object(identifiers),
        ])
        // Older generations stay behind as they do in a real repository until the next cleanup.
        try writer.write("index-\(generation - 1)", Array(#"{"snapshots":[],"indices":{}}"#.utf8))
        try writer.write("index-\(generation)", try Writer.json(catalogue))
        try writer.write("index.latest", (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(generation) >> (8 * UInt64($0))) })
        return AssembledRepository(
            root: root, snapshot: snapshot, snapshotUUID: snapshotUUID, indexIDs: indexIDs, shardFolders: shardFolders,
            shardGenerations: shardGenerations, generation: generation)
    }

    /// A file of the repository.
    public func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    public func remove() { try? FileManager.default.removeItem(at: root) }

    /// Writes the blobs and names them with fresh base64url UUIDs, as the servers do.
    private struct Writer {
        let root: URL
        let layout: Layout
        var random = SystemRandomNumberGenerator()

        /// A base64url UUID like the servers' (22 characters).
        mutating func uuid() -> String {
            let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
            return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }

        /// `indices/<id>/<shard>`, under a hash folder for OpenSearch's hashed shard paths.
        mutating func shardFolder(indexID: String, shard: Int) -> String {
            let fixed = "indices/\(indexID)/\(shard)"
            guard layout.shardPathType != 0 else { return fixed }
            return "\(Self.fnv1a("\(shard)\(indexID)"))/\(fixed)"
        }

        /// A folder name derived from the path like OpenSearch's (FNV-1a, base64url); the reader never recomputes it.
        static func fnv1a(_ text: String) -> String {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            let bytes = (0..<8).reversed().map { UInt8(truncatingIfNeeded: hash >> (8 * UInt64($0))) }
            return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }

        mutating func shard(_ lucene: URL, folder: String, snapshot: String, snapshotUUID: String, generation: String) throws {
            let names = try FileManager.default.contentsOfDirectory(atPath: lucene.path).filter { $0 != "write.lock" }.sorted()
            var entries: [JSONValue] = []
            var total = 0
            for name in names {
                let content = try Data(contentsOf: lucene.appendingPathComponent(name))
                total += content.count
                let virtual = name.hasPrefix("segments_") || name.hasSuffix(".si")
                let blob = (virtual ? "v__" : "__") + uuid()
                var entry: [String: JSONValue] = [
                    "name": .string(blob), "physical_name": .string(name), "length": .int(Int64(content.count)),
                    "checksum": .string(Self.footerChecksum(content)), "written_by": .string(layout.lucene.release),
                    "part_size": .int(Int64(layout.partSize ?? Int(Int64.max))),
                ]
                if virtual {
                    entry["meta_hash"] = .string(content.base64EncodedString())
                } else if !layout.shallowCopy {
                    try writeData(content, blob: blob, folder: folder)
                }
                entries.append(.object(entry))
            }
            let files: JSONValue = .array(entries)
            if layout.shallowCopy {
                try blob(
                    "\(folder)/shallow-snap-\(snapshotUUID).dat", codec: "snapshot",
                    .object([
                        "snapshot": .string(snapshot), "index_version": .int(0), "start_time": .int(1_735_689_600_000), "time": .int(5),
                        "total_file_count": .int(Int64(names.count)), "total_size": .int(Int64(total)), "index_uuid": .string(uuid()),
                        "remote_store_repository": .string("remote-segments"), "repository_basepath": .string("remote"),
                        "file_names": .array(names.map(JSONValue.string)),
                    ]))
                return
            }
            try blob(
                "\(folder)/snap-\(snapshotUUID).dat", codec: "snapshot",
                .object([
                    "name": .string(snapshot), "index_version": .int(0), "start_time": .int(1_735_689_600_000), "time": .int(5),
                    "number_of_files": .int(Int64(names.count)), "total_size": .int(Int64(total)), "files": files,
                ]))
            try blob(
                "\(folder)/index-\(generation)", codec: "snapshots",
                .object([
                    "files": files,
                    "snapshots": .object([
                        snapshot: .object(["files": .array(entries.compactMap { $0["name"] }), "shard_state_id": .string(uuid())])
                    ]),
                ]))
        }

        func writeData(_ content: Data, blob: String, folder: String) throws {
            guard let partSize = layout.partSize, content.count > partSize else {
                try write("\(folder)/\(blob)", Array(content))
                return
            }
            var part = 0
            var start = content.startIndex
            while start < content.endIndex {
                let end = min(start + partSize, content.endIndex)
                try write("\(folder)/\(blob).part\(part)", Array(content[start..<end]))
                part += 1
                start = end
            }
        }

        /// The CRC32 a Lucene file records in its footer, base 36 as the file list writes it.
        static func footerChecksum(_ content: Data) -> String {
            guard content.count >= 8 else { return "0" }
            let value = content.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return String(value, radix: 36)
        }

        /// A metadata blob framed as ChecksumBlobStoreFormat writes it.
        func blob(_ relative: String, codec: String, _ json: JSONValue) throws {
            var payload = try Self.json(json)
            if layout.compress { payload = Array("DFL\0".utf8) + (try Self.deflate(payload)) }
            try write(relative, Self.framed(codec: codec, payload: payload))
        }

        static func json(_ value: JSONValue) throws -> [UInt8] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            return Array(try encoder.encode(value))
        }

        static func framed(codec: String, payload: [UInt8]) -> [UInt8] {
            var bytes: [UInt8] = [0x3F, 0xD7, 0x6C, 0x17, UInt8(codec.utf8.count)] + Array(codec.utf8) + [0, 0, 0, 1] + payload
            bytes += [0xC0, 0x28, 0x93, 0xE8, 0, 0, 0, 0]
            let crc = UInt64(crc32(bytes))
            return bytes + (0..<8).reversed().map { UInt8(truncatingIfNeeded: crc >> (8 * UInt64($0))) }
        }

        static func crc32(_ bytes: [UInt8]) -> UInt32 {
            var table = [UInt32](repeating: 0, count: 256)
            for index in 0..<256 {
                var value = UInt32(index)
                for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
                table[index] = value
            }
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            return ~crc
        }

        /// Raw DEFLATE by Python's zlib, not by the code under test.
        static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", "-c",
                "import sys,zlib; c=zlib.compressobj(6, zlib.DEFLATED, -15); sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read())+c.flush())",
            ]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            let writer = Thread {
                input.fileHandleForWriting.write(Data(bytes))
                try? input.fileHandleForWriting.close()
            }
            writer.start()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw TestSupportError("python3 zlib failed; run scripts/setup.sh") }
            return Array(data)
        }

        func write(_ relative: String, _ bytes: [UInt8]) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
    }
}
