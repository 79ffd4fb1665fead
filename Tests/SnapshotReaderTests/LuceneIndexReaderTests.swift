import Foundation
import TernTestSupport
import Testing

@testable import SnapshotReader

@Suite("LuceneIndexReader against real Lucene 8.7")
struct LuceneIndexReaderTests {
    static let modes = [
        "soft-deletes", "hard-deletes", "many-segments", "large-speed", "large-compression", "legacy-fast", "legacy-high", "big",
    ]

    @Test("returns exactly the live documents Lucene returns", arguments: modes)
    func matchesLucene(mode: String) throws {
        let fixture = try LuceneFixtures.index(mode)
        let expected = try fixture.expectedDocuments()
        let reader = try LuceneIndexReader(directory: FolderDirectory(path: fixture.folder.path), verifyChecksums: true)
        #expect(reader.liveDocumentCount == expected.count)
        let actual = try readAllLuceneDocuments(reader)
        #expect(actual.count == expected.count)
        for (index, (got, want)) in zip(actual, expected).enumerated() {
            let same =
                got.seg == want.seg && got.doc == want.doc && got.id == want.id && got.routing == want.routing
                && got.source == Array(want.source.utf8) && got.stored == want.stored
            if !same {
                Issue.record(
                    "document \(index) differs: got \(got.seg)/\(got.doc) id \(got.id) routing \(got.routing ?? "-") stored \(got.stored) source \(got.source.count) bytes; Lucene has \(want.seg)/\(want.doc) id \(want.id) routing \(want.routing ?? "-") stored \(want.stored) source \(want.source.utf8.count) bytes"
                )
                break
            }
        }
        // Per-segment counts agree with the documents Lucene listed.
        var perSegment: [String: Int] = [:]
        for document in expected { perSegment[document.seg, default: 0] += 1 }
        for segment in reader.segments {
            #expect(segment.liveCount == perSegment[segment.name, default: 0], "segment \(segment.name)")
            #expect(segment.liveCount + segment.deletedCount == segment.maxDoc)
        }
    }

    @Test("a visitor can skip fields it does not want")
    func skipsUnwantedFields() throws {
        struct IDsOnly: StoredFieldVisitor {
            var ids: [String] = []
            var otherFields = 0
            func wantsField(_ field: FieldInfo) -> Bool { field.name == "_id" }
            mutating func beginDocument(segment: Int, docID: Int32) throws {}
            mutating func visitField(_ field: FieldInfo, value: StoredFieldValue) throws {
                guard case .bytes(let bytes) = value, field.name == "_id" else {
                    otherFields += 1
                    return
                }
                ids.append(try ElasticsearchID.decode(bytes))
            }
            mutating func endDocument() throws {}
        }
        let fixture = try LuceneFixtures.index("soft-deletes")
        let reader = try LuceneIndexReader(directory: FolderDirectory(path: fixture.folder.path))
        var visitor = IDsOnly()
        for segment in reader.segments.indices { try reader.visitLiveDocuments(segment: segment, visitor: &visitor) }
        #expect(visitor.otherFields == 0)
        #expect(visitor.ids == (try fixture.expectedDocuments()).map(\.id))
    }

    @Test("segments report codec, counts and compound files")
    func segmentFacts() throws {
        let reader = try LuceneIndexReader(directory: FolderDirectory(path: try LuceneFixtures.index("many-segments").folder.path))
        #expect(reader.segments.count > 10)
        #expect(reader.segments.allSatisfy { $0.codec == "Lucene87" })
        #expect(reader.segments.contains { $0.info.isCompound } && reader.segments.contains { !$0.info.isCompound })
        #expect(reader.segments.contains { $0.deletedCount > 0 })
        let legacy = try LuceneIndexReader(directory: FolderDirectory(path: try LuceneFixtures.index("legacy-fast").folder.path))
        #expect(legacy.segments.allSatisfy { $0.codec == "Lucene86" })
    }

    @Test(
        "chunks without a live document are skipped undecoded",
        arguments: ["legacy-fast", "legacy-high", "soft-deletes", "hard-deletes", "large-speed", "large-compression"])
    func skipsDeadChunks(mode: String) throws {
        let reader = try LuceneIndexReader(directory: FolderDirectory(path: try LuceneFixtures.index(mode).folder.path))
        for segment in reader.segments {
            let stored = try StoredFieldsReader.open(in: segment.directory, info: segment.info, verifyChecksum: false)
            var everything = LuceneCollectingVisitor(segmentNames: [segment.name])
            try stored.visit(live: nil, segment: 0, fieldInfos: segment.fieldInfos, visitor: &everything)
            #expect(everything.documents.count == segment.maxDoc)
            // Delete the first two thirds and every document whose number ends in 7: whole chunks die.
            var live = LiveDocs(allLive: segment.maxDoc)
            for doc in 0..<segment.maxDoc where doc < segment.maxDoc * 2 / 3 || doc % 10 == 7 { live.delete(doc) }
            var some = LuceneCollectingVisitor(segmentNames: [segment.name])
            try stored.visit(live: live, segment: 0, fieldInfos: segment.fieldInfos, visitor: &some)
            #expect(some.documents == everything.documents.filter { live.isLive($0.doc) }, "\(mode) \(segment.name)")
        }
    }

    // MARK: Damaged input: an error naming the file, never a crash

    /// A private copy of a generated index to damage.
    private func damagedCopy(of mode: String) throws -> URL {
        let source = try LuceneFixtures.index(mode).folder
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("tern-lucene-damage-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: copy)
        return copy
    }

    /// Opens and reads everything, returning the error it must throw.
    private func readError(_ folder: URL) -> SnapshotReaderError? {
        do {
            let reader = try LuceneIndexReader(directory: FolderDirectory(path: folder.path))
            _ = try readAllLuceneDocuments(reader)
            return nil
        } catch let error as SnapshotReaderError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    private func modify(_ file: URL, _ change: (inout Data) -> Void) throws {
        var data = try Data(contentsOf: file)
        change(&data)
        try data.write(to: file)
    }

    @Test("a truncated .fdt")
    func truncatedStoredFields() throws {
        let folder = try damagedCopy(of: "hard-deletes")
        defer { try? FileManager.default.removeItem(at: folder) }
        try modify(folder.appendingPathComponent("_0.fdt")) { $0 = $0.prefix($0.count / 2) }
        let error = readError(folder)
        #expect(error?.description.contains("_0.fdt") == true, "\(String(describing: error))")
    }

    @Test("a .fdt cut inside its chunks, with a valid-looking footer")
    func truncatedChunks() throws {
        let folder = try damagedCopy(of: "hard-deletes")
        defer { try? FileManager.default.removeItem(at: folder) }
        try modify(folder.appendingPathComponent("_0.fdt")) { data in
            let footer = data.suffix(16)
            data = data.prefix(data.count / 3) + footer
        }
        let error = readError(folder)
        #expect(error?.description.contains("_0.fdt") == true, "\(String(describing: error))")
    }

    @Test("a flipped byte in a .si or .fnm fails its checksum", arguments: ["_1.si", "_1.fnm", "_0_3.liv"])
    func flippedByte(file: String) throws {
        let folder = try damagedCopy(of: "hard-deletes")
        defer { try? FileManager.default.removeItem(at: folder) }
        try modify(folder.appendingPathComponent(file)) { $0[$0.count / 2] ^= 0x10 }
        let error = readError(folder)
        #expect(error?.description.contains(file) == true, "\(String(describing: error))")
        #expect(error?.description.contains("checksum") == true, "\(String(describing: error))")
    }

    /// Replaces every occurrence of `old` with `new` (same length) in `file`, re-sealing its footer checksum so that
    /// the reader judges the content, not the damage.
    private func rename(_ old: String, to new: String, in file: URL) throws {
        try modify(file) { data in
            var start = data.startIndex
            while let range = data[start...].firstRange(of: Data(old.utf8)) {
                data.replaceSubrange(range, with: Data(new.utf8))
                start = range.upperBound
            }
            let crc = data.withUnsafeBytes { CodecUtil.crc32(UnsafeRawBufferPointer(rebasing: $0[0..<(data.count - 8)])) }
            for index in 0..<8 { data[data.count - 8 + index] = UInt8(truncatingIfNeeded: UInt64(crc) >> (56 - 8 * UInt64(index))) }
        }
    }

    @Test("a codec name is only a label: segments under a codec name never seen still read exactly")
    func unknownCodecName() throws {
        let folder = try damagedCopy(of: "hard-deletes")
        defer { try? FileManager.default.removeItem(at: folder) }
        let commit = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix("segments_") })
        try rename("Lucene87", to: "Future99", in: folder.appendingPathComponent(commit))
        let reader = try LuceneIndexReader(directory: FolderDirectory(path: folder.path), verifyChecksums: true)
        #expect(reader.segments.allSatisfy { $0.codec == "Future99" })
        let expected = try LuceneFixtures.index("hard-deletes").expectedDocuments()
        let actual = try readAllLuceneDocuments(reader)
        #expect(actual.map(\.id) == expected.map(\.id))
        #expect(actual.map(\.source) == expected.map { Array($0.source.utf8) })
    }

    @Test("a stored-fields format the reader does not know is refused naming the file and the format")
    func unknownStoredFieldsFormat() throws {
        let folder = try damagedCopy(of: "hard-deletes")
        defer { try? FileManager.default.removeItem(at: folder) }
        try rename("Lucene87StoredFieldsHighData", to: "Future99StoredFieldsHighData", in: folder.appendingPathComponent("_0.fdt"))
        let error = readError(folder)
        #expect(error?.description.contains("_0.fdt") == true, "\(String(describing: error))")
        #expect(error?.description.contains("Future99StoredFieldsHighData") == true, "\(String(describing: error))")
    }

    @Test("a missing file", arguments: ["_2.fnm", "_2.si", "_2.fdt", "_0_3.liv", "_2.fdm"])
    func missingFile(file: String) throws {
        let folder = try damagedCopy(of: "hard-deletes")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent(file))
        let error = readError(folder)
        guard case .missing(let name, _) = error else {
            Issue.record("expected .missing, got \(String(describing: error))")
            return
        }
        #expect(name == file)
    }

    @Test("a missing compound entry and a damaged .cfe")
    func damagedCompound() throws {
        let folder = try damagedCopy(of: "soft-deletes")
        defer { try? FileManager.default.removeItem(at: folder) }
        try modify(folder.appendingPathComponent("_1.cfe")) { $0[$0.count - 20] ^= 0x01 }
        let error = readError(folder)
        #expect(error?.description.contains("_1.cfe") == true, "\(String(describing: error))")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("_0.cfs"))
        let missing = readError(folder)
        #expect(missing?.description.contains("_0.cfs") == true, "\(String(describing: missing))")
    }

    @Test("an empty folder has no commit")
    func noCommit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-lucene-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: SnapshotReaderError.self) { try LuceneIndexReader(directory: FolderDirectory(path: folder.path)) }
    }

    @Test("commit file names in base 36, and the newest generation wins")
    func commitGenerations() {
        #expect(SegmentInfos.generation(ofCommitFile: "segments") == 0)
        #expect(SegmentInfos.generation(ofCommitFile: "segments_a") == 10)
        #expect(SegmentInfos.generation(ofCommitFile: "segments_1z") == 71)
        #expect(SegmentInfos.generation(ofCommitFile: "segments.gen") == nil)
        #expect(SegmentInfos.newestCommitFile(in: ["segments_9", "segments_a", "_0.si", "segments_2"])?.name == "segments_a")
    }
}

/// A shard folder of an Elasticsearch `fs` snapshot whose blobs (`__<uuid>`) are named back to Lucene file names by
/// their codec headers: the commit lists segment names and ids, and every other file's header repeats its segment's
/// id and generation suffix. The real mapping comes from the shard's `snap-*.dat`; this is enough for ES 5.6/6.8, which
/// keep every file as a blob.
private struct SniffedFixtureShardDirectory: LuceneDirectory {
    let folder: URL
    let files: [String: URL]

    init(folder: URL) throws {
        self.folder = folder
        struct Header {
            var codec: String
            var id: LuceneID
            var suffix: String
            var url: URL
        }
        var headers: [Header] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasPrefix("__") {
            let url = folder.appendingPathComponent(name)
            let data = try Data(contentsOf: url)
            let header: Header? = data.withUnsafeBytes { bytes in
                var reader = ByteReader(bytes, name: name)
                guard (try? reader.readBEInt32()) == Int32(bitPattern: CodecUtil.headerMagic),
                    let length = try? reader.readByte(), let codecBytes = try? reader.readBytes(Int(length)),
                    (try? reader.readBEInt32()) != nil, let id = try? reader.readID(), let suffixLength = try? reader.readByte(),
                    let suffixBytes = try? reader.readBytes(Int(suffixLength))
                else { return nil }
                return Header(
                    codec: String(decoding: codecBytes, as: UTF8.self), id: id, suffix: String(decoding: suffixBytes, as: UTF8.self),
                    url: url)
            }
            if let header { headers.append(header) }
        }
        var files: [String: URL] = [:]
        var segmentNames: [LuceneID: String] = [:]
        for header in headers where header.codec == "segments" {
            let name = "segments_" + header.suffix
            files[name] = header.url
            let file = LuceneFile(name: name, data: try Data(contentsOf: header.url))
            let commit = try SegmentInfos.read(file, generation: Int64(header.suffix, radix: 36) ?? 0)
            for segment in commit.segments { segmentNames[segment.id] = segment.name }
        }
        let extensions: [String: String] = [
            "Lucene50CompoundEntries": "cfe", "Lucene50CompoundData": "cfs", "Lucene50SegmentInfo": "si", "Lucene62SegmentInfo": "si",
            "Lucene70SegmentInfo": "si", "Lucene86SegmentInfo": "si", "Lucene50LiveDocs": "liv", "Lucene60FieldInfos": "fnm",
            "Lucene80DocValuesMetadata": "dvm", "Lucene80DocValuesData": "dvd", "Lucene50StoredFieldsFastData": "fdt",
            "Lucene50StoredFieldsHighData": "fdt", "Lucene87StoredFieldsFastData": "fdt", "Lucene87StoredFieldsHighData": "fdt",
            "Lucene85FieldsIndexMeta": "fdm",
        ]
        for header in headers where header.codec != "segments" {
            guard let segment = segmentNames[header.id], let fileExtension = extensions[header.codec] else { continue }
            files[segment + (header.suffix.isEmpty ? "" : "_" + header.suffix) + "." + fileExtension] = header.url
        }
        self.files = files
    }

    var displayName: String { folder.path }

    func fileNames() throws(SnapshotReaderError) -> [String] { files.keys.sorted() }

    func open(_ name: String) throws(SnapshotReaderError) -> LuceneFile {
        guard let url = files[name] else { throw SnapshotReaderError.missing(name, "no blob of \(folder.path) holds it") }
        return try LuceneFile.map(path: url.path, name: name)
    }
}

@Suite("LuceneIndexReader on Elasticsearch snapshots")
struct RealSnapshotLuceneTests {
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/fixtures").standardizedFileURL

    /// ES 5.6 (Lucene 6.6) and 6.8 (Lucene 7.7): every file is a blob, so header sniffing can name them.
    @Test(
        "the live documents of each index match the expected ones",
        arguments: ["ES_5_6_Updates_Deletes", "ES_6_8_Single", "ES_6_8_Updates_Deletes_Native"])
    func liveDocuments(repository: String) throws {
        let root = Self.shared.appendingPathComponent("snapshots/\(repository)")
        let expectedData = try Data(contentsOf: Self.shared.appendingPathComponent("snapshots-expected/\(repository).json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [String: [String: [String: Any]]])
        let latest = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix("index-") }
            .max { Int($0.dropFirst(6)) ?? 0 < Int($1.dropFirst(6)) ?? 0 }
        let repositoryData = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent(try #require(latest))))
        let indices = try #require((repositoryData as? [String: Any])?["indices"] as? [String: [String: Any]])
        for (_, snapshot) in expected {
            for (indexName, content) in snapshot {
                let indexID = try #require(indices[indexName]?["id"] as? String)
                let shards = try #require(content["shards"] as? Int)
                let wanted = try #require(content["docs"] as? [String: Any])
                var found: [String: Any] = [:]
                for shard in 0..<shards {
                    let directory = try SniffedFixtureShardDirectory(folder: root.appendingPathComponent("indices/\(indexID)/\(shard)"))
                    let reader = try LuceneIndexReader(directory: directory, verifyChecksums: true)
                    var visitor = FixtureSourceVisitor()
                    for segment in reader.segments.indices { try reader.visitLiveDocuments(segment: segment, visitor: &visitor) }
                    #expect(visitor.documents.count == reader.liveDocumentCount)
                    for (id, source) in visitor.documents { found[id] = try JSONSerialization.jsonObject(with: Data(source)) }
                }
                #expect(
                    NSDictionary(dictionary: found).isEqual(to: wanted),
                    "\(repository) \(indexName): got \(found.keys.sorted()), expected \(wanted.keys.sorted())")
            }
        }
    }

    /// `_id` (6.x) or `_uid` (`type#id`, 5.x) and `_source` of each document.
    struct FixtureSourceVisitor: StoredFieldVisitor {
        var documents: [(String, [UInt8])] = []
        private var id = ""
        private var source: [UInt8]?

        mutating func beginDocument(segment: Int, docID: Int32) throws {
            id = ""
            source = nil
        }

        mutating func visitField(_ field: FieldInfo, value: StoredFieldValue) throws {
            switch (field.name, value) {
            case ("_id", .bytes(let bytes)): id = try ElasticsearchID.decode(bytes)
            case ("_uid", .string(let text)):
                id = String(String(decoding: text, as: UTF8.self).split(separator: "#", maxSplits: 1).last ?? "")
            case ("_source", .bytes(let bytes)): source = Array(bytes)
            default: break
            }
        }

        mutating func endDocument() throws {
            if let source { documents.append((id, source)) }
        }
    }
}

/// A shard of an Elasticsearch `fs` snapshot named by its shard snapshot file (`snap-<uuid>.dat`, SMILE): blob names
/// to Lucene names, and the small files ES 7.7+ keeps only inside it (`v__` entries, content in `meta_hash`).
private struct FixtureShardDirectory: LuceneDirectory {
    let folder: URL
    /// Lucene name to a blob, or to the bytes of a virtual file.
    let files: [String: Either]

    enum Either {
        case blob(URL)
        case bytes(Data)
    }

    init(folder: URL) throws {
        self.folder = folder
        let snapName = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix("snap-") })
        let blob = try Data(contentsOf: folder.appendingPathComponent(snapName))
        // ChecksumBlobStoreFormat: codec header ("snapshot"), SMILE payload, 16-byte footer.
        let headerLength = 4 + 1 + Int(blob[4]) + 4
        let json = try blob.withUnsafeBytes { bytes in
            try SmileDecoder.json(from: UnsafeRawBufferPointer(rebasing: bytes[headerLength..<(bytes.count - 16)]), name: snapName)
        }
        let shard = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        var files: [String: Either] = [:]
        for entry in try #require(shard["files"] as? [[String: Any]]) {
            let name = try #require(entry["name"] as? String)
            let physical = try #require(entry["physical_name"] as? String)
            if name.hasPrefix("v__") {
                let hash = try #require(entry["meta_hash"] as? String)
                files[physical] = .bytes(try #require(Data(base64Encoded: hash)))
            } else {
                files[physical] = .blob(folder.appendingPathComponent(name))
            }
        }
        self.files = files
    }

    var displayName: String { folder.path }

    func fileNames() throws(SnapshotReaderError) -> [String] { files.keys.sorted() }

    func open(_ name: String) throws(SnapshotReaderError) -> LuceneFile {
        switch files[name] {
        case .blob(let url): return try LuceneFile.map(path: url.path, name: name)
        case .bytes(let data): return LuceneFile(name: name, data: data)
        case nil: throw SnapshotReaderError.missing(name, "the shard snapshot of \(folder.path) does not list it")
        }
    }
}

extension RealSnapshotLuceneTests {
    /// ES 7.10 (Lucene 8.7): soft deletes, hard deletes, virtual files; named through the shard snapshot file.
    @Test(
        "Elasticsearch 7.10 snapshots, through the shard snapshot file",
        arguments: [
            "ES_7_10_Single", "ES_7_10_Updates_Deletes_w_Soft", "ES_7_10_Updates_Deletes_wo_Soft", "ES_6_8_Updates_Deletes_Native",
            "ES_5_6_Updates_Deletes",
        ])
    func viaShardSnapshot(repository: String) throws {
        let root = Self.shared.appendingPathComponent("snapshots/\(repository)")
        let expectedData = try Data(contentsOf: Self.shared.appendingPathComponent("snapshots-expected/\(repository).json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [String: [String: [String: Any]]])
        let latest = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix("index-") }
            .max { Int($0.dropFirst(6)) ?? 0 < Int($1.dropFirst(6)) ?? 0 }
        let repositoryData = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent(try #require(latest))))
        let indices = try #require((repositoryData as? [String: Any])?["indices"] as? [String: [String: Any]])
        for (_, snapshot) in expected {
            for (indexName, content) in snapshot {
                let indexID = try #require(indices[indexName]?["id"] as? String)
                let wanted = try #require(content["docs"] as? [String: Any])
                var found: [String: Any] = [:]
                let shards = try #require(content["shards"] as? Int)
                for shard in 0..<shards {
                    let directory = try FixtureShardDirectory(folder: root.appendingPathComponent("indices/\(indexID)/\(shard)"))
                    let reader = try LuceneIndexReader(directory: directory, verifyChecksums: true)
                    var visitor = FixtureSourceVisitor()
                    for segment in reader.segments.indices { try reader.visitLiveDocuments(segment: segment, visitor: &visitor) }
                    #expect(visitor.documents.count == reader.liveDocumentCount)
                    for (id, source) in visitor.documents { found[id] = try JSONSerialization.jsonObject(with: Data(source)) }
                }
                #expect(
                    NSDictionary(dictionary: found).isEqual(to: wanted),
                    "\(repository) \(indexName): got \(found.keys.sorted()), expected \(wanted.keys.sorted())")
            }
        }
    }
}
