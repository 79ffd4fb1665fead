import Foundation
import TernTestSupport
import Testing

@testable import SnapshotReader

/// A small, seedable random generator (LuceneFuzzRandom), so a failing input can be reproduced from its seed.
private typealias LuceneFuzzRandom = SeededRandom

/// A directory that serves one file's bytes from memory and the rest from another directory.
private struct LucenePatchedDirectory: LuceneDirectory {
    let base: any LuceneDirectory
    let name: String
    let bytes: Data

    var displayName: String { "patched \(base.displayName)" }
    func fileNames() throws(SnapshotReaderError) -> [String] { try base.fileNames() }
    func open(_ file: String) throws(SnapshotReaderError) -> LuceneFile {
        file == name ? LuceneFile(name: file, data: bytes) : try base.open(file)
    }
}

/// Touches every value so that a bad pointer would be caught by the sanitizer or crash here.
private struct LuceneChecksummingVisitor: StoredFieldVisitor {
    var sum: UInt64 = 0
    var documents = 0

    mutating func beginDocument(segment: Int, docID: Int32) throws { documents += 1 }

    mutating func visitField(_ field: FieldInfo, value: StoredFieldValue) throws {
        switch value {
        case .string(let bytes), .bytes(let bytes): for byte in bytes { sum = sum &* 31 &+ UInt64(byte) }
        case .int(let number): sum &+= UInt64(bitPattern: Int64(number))
        case .long(let number): sum &+= UInt64(bitPattern: number)
        case .float(let number): sum &+= UInt64(number.bitPattern)
        case .double(let number): sum &+= number.bitPattern
        }
    }

    mutating func endDocument() throws {}
}

@Suite("Stored fields under damaged input")
struct StoredFieldsFuzzTests {
    /// Seconds per test; `TERN_FUZZ_SECONDS` runs longer locally.
    static let budget = Double(ProcessInfo.processInfo.environment["TERN_FUZZ_SECONDS"] ?? "") ?? 1.5

    /// One segment's `.fdt` with what reading it needs.
    struct Target {
        var name: String
        var directory: any LuceneDirectory
        var segment: LuceneSegment
        var bytes: Data
    }

    /// The stored fields of indexes covering every compression kind and chunk layout: Lucene 5-8's LZ4 and DEFLATE, Lucene
    /// 9/10's (StoredFieldsInts headers), Elasticsearch's zstd (both chunk sizes) and OpenSearch's zstd with and without a
    /// dictionary; every segment of the zstd indexes, the first of the others.
    static func targets() throws -> [Target] {
        let cases: [(String, LuceneFixtures.Version, Bool)] = [
            ("legacy-fast", .lucene87, false), ("legacy-high", .lucene87, false), ("soft-deletes", .lucene87, false),
            ("hard-deletes", .lucene87, false),
            ("large-speed", .lucene87, false), ("soft-deletes", .lucene99, false), ("hard-deletes", .lucene104, false),
            ("large-compression", .lucene104, false), ("elasticsearch-zstd", .lucene99, true), ("opensearch-zstd", .lucene104, true),
            ("opensearch-zstd-nodict", .lucene104, true),
        ]
        return try cases.flatMap { mode, lucene, everySegment in
            let folder = try LuceneFixtures.index(mode, lucene: lucene).folder
            let reader = try LuceneIndexReader(directory: FolderDirectory(path: folder.path))
            return try reader.segments.prefix(everySegment ? reader.segments.count : 1).map { segment in
                let fdt = try segment.directory.open(segment.name + ".fdt")
                let bytes = fdt.withBytes { Data($0) }
                return Target(name: "\(mode) (\(lucene)) \(segment.name).fdt", directory: segment.directory, segment: segment, bytes: bytes)
            }
        }
    }

    /// Reads all documents of a damaged `.fdt`: it must decode or throw `SnapshotReaderError`.
    static func read(_ target: Target, bytes: Data) -> String? {
        let directory = LucenePatchedDirectory(base: target.directory, name: target.segment.name + ".fdt", bytes: bytes)
        do {
            let reader = try StoredFieldsReader.open(in: directory, info: target.segment.info, verifyChecksum: false)
            // Half the documents deleted, so that damaged chunks are also skipped rather than decoded.
            var live = LiveDocs(allLive: target.segment.maxDoc)
            for doc in 0..<(target.segment.maxDoc / 2) { live.delete(doc) }
            var skipping = LuceneChecksummingVisitor()
            do {
                try reader.visit(live: live, segment: 0, fieldInfos: target.segment.fieldInfos, visitor: &skipping)
            } catch is SnapshotReaderError {}
            var visitor = LuceneChecksummingVisitor()
            try reader.visit(live: nil, segment: 0, fieldInfos: target.segment.fieldInfos, visitor: &visitor)
            return nil
        } catch is SnapshotReaderError {
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("mutated .fdt chunks decode or throw SnapshotReaderError")
    func mutatedChunks() throws {
        let targets = try Self.targets()
        let deadline = Date().addingTimeInterval(Self.budget)
        var iteration: UInt64 = 0
        while Date() < deadline {
            iteration += 1
            var random = LuceneFuzzRandom(seed: 0x5EED_0000 &+ iteration)
            let target = targets[Int(iteration % UInt64(targets.count))]
            var bytes = target.bytes
            // Keep the header (so the codec is known) and the footer (so the damage is inside the chunks).
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let start = min(60, bytes.count - 16)
                let end = bytes.count - 16
                guard end > start else { break }
                let at = Int.random(in: start..<end, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                case 1: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 2: bytes[at] = [0x00, 0xFF, 0x7F, 0x80][Int.random(in: 0..<4, using: &random)]
                case 3:  // cut a run out, keeping the footer
                    let length = min(Int.random(in: 1...64, using: &random), end - at)
                    bytes.removeSubrange(at..<(at + length))
                default:  // repeat a run
                    let length = min(Int.random(in: 1...32, using: &random), end - at)
                    bytes.insert(contentsOf: bytes[at..<(at + length)], at: at)
                }
            }
            if let failure = Self.read(target, bytes: bytes) {
                Issue.record("seed \(iteration) on \(target.name): \(failure)")
                return
            }
        }
    }

    @Test("random LZ4 input decodes or throws, and never writes outside its window")
    func randomLZ4() {
        let deadline = Date().addingTimeInterval(Self.budget / 2)
        var iteration: UInt64 = 0
        let capacity = 1 << 16
        let output = UnsafeMutableRawPointer.allocate(byteCount: capacity + 64, alignment: 16)
        defer { output.deallocate() }
        let dictionary: [UInt8] = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        while Date() < deadline {
            iteration += 1
            var random = LuceneFuzzRandom(seed: 0x1234_0000 &+ iteration)
            let input = (0..<Int.random(in: 0...512, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let length = Int.random(in: 0...4096, using: &random)
            let useDictionary = Bool.random(using: &random)
            let result: Result<Int, SnapshotReaderError> = input.withUnsafeBytes { source in
                dictionary.withUnsafeBytes { dict in
                    Result { () throws(SnapshotReaderError) -> Int in
                        try LZ4.decompress(
                            source, at: 0, into: output, destOffset: 100, length: length, capacity: capacity, windowStart: 100,
                            dictionary: useDictionary ? dict : nil, name: "fuzz")
                    }
                }
            }
            if case .success(let end) = result { #expect(end <= input.count) }
            let skipped = input.withUnsafeBytes { source in
                Result { () throws(SnapshotReaderError) -> Int in try LZ4.skip(source, at: 0, length: length, name: "fuzz") }
            }
            if case .success(let end) = skipped { #expect(end <= input.count) }
        }
    }

    @Test("random DEFLATE input decodes or throws")
    func randomDeflate() {
        let inflater = Inflater()
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { output.deallocate() }
        for iteration in 0..<2000 as Range<UInt64> {
            var random = LuceneFuzzRandom(seed: 0xDEF1_0000 &+ iteration)
            let input = (0..<Int.random(in: 0...256, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let size = Int.random(in: 0...4096, using: &random)
            input.withUnsafeBytes { source in
                do {
                    try inflater.inflate(
                        source, into: UnsafeMutableRawBufferPointer(rebasing: output[0..<size]), dictionary: nil, name: "fuzz", at: 0)
                } catch {}
            }
        }
    }

    @Test("random chunk headers and packed ints are rejected without huge allocations")
    func randomPackedInts() {
        let values = UnsafeMutablePointer<Int>.allocate(capacity: 4096)
        defer { values.deallocate() }
        for iteration in 0..<5000 as Range<UInt64> {
            var random = LuceneFuzzRandom(seed: 0xBAC_0000 &+ iteration)
            let input = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            input.withUnsafeBytes { bytes in
                var reader = ByteReader(bytes, name: "fuzz")
                let count = Int.random(in: 0...4096, using: &random)
                let bits = Int.random(in: 1...32, using: &random)
                do {
                    try PackedInts.read(&reader, count: count, bitsPerValue: bits, packedIntsVersion: 2, into: values)
                    for index in 0..<count { #expect(values[index] >= 0 && values[index] < 1 << bits) }
                } catch {}
            }
        }
    }

    @Test("random Lucene 9/10 chunk headers (StoredFieldsInts) decode within their width or throw")
    func randomStoredFieldsInts() {
        let values = UnsafeMutablePointer<Int>.allocate(capacity: 1024)
        defer { values.deallocate() }
        for iteration in 0..<5000 as Range<UInt64> {
            var random = LuceneFuzzRandom(seed: 0x5F1_0000 &+ iteration)
            var input = (0..<Int.random(in: 0...600, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            // Most inputs start with a valid width so that the group and tail paths run, not only the refusal.
            if !input.isEmpty && iteration % 4 != 0 { input[0] = [0, 8, 16, 32][Int.random(in: 0..<4, using: &random)] }
            input.withUnsafeBytes { bytes in
                var reader = ByteReader(bytes, name: "fuzz")
                let count = Int.random(in: 0...1024, using: &random)
                do {
                    try StoredFieldsInts.read(&reader, count: count, into: values)
                    let width = Int(input[0])
                    if width != 0 { for index in 0..<count { #expect(values[index] >= 0 && values[index] < 1 << width) } }
                    #expect(reader.offset <= input.count)
                } catch {}
            }
        }
    }

    @Test("random and damaged zstd blocks decompress exactly or throw")
    func randomZstdBlocks() throws {
        let decoder = try ZstdLibrary.BlockDecoder(name: "fuzz")
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 8192, alignment: 1)
        defer { output.deallocate() }
        let dictionary: [UInt8] = (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        // A real frame to damage: zstd's own output for a repetitive text.
        let text = Array(String(repeating: "tern reads every document ", count: 80).utf8)
        let frame = Array(try BlobCompressionTests.run(["zstd", "-q", "-c"], input: Data(text)))
        try frame.withUnsafeBytes { source in
            try decoder.decompress(
                source, into: UnsafeMutableRawBufferPointer(rebasing: output[0..<text.count]), dictionary: nil, name: "fuzz", at: 0)
        }
        #expect(Array(output[0..<text.count]) == text, "the undamaged frame does not decode to its text")
        for iteration in 0..<3000 as Range<UInt64> {
            var random = LuceneFuzzRandom(seed: 0x2575_0000 &+ iteration)
            var input: [UInt8]
            if iteration % 2 == 0 {
                input = frame
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    input[Int.random(in: 0..<input.count, using: &random)] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                }
                if Bool.random(using: &random) { input = Array(input.prefix(Int.random(in: 0...input.count, using: &random))) }
            } else {
                input = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            let size = Int.random(in: 0...output.count, using: &random)
            input.withUnsafeBytes { source in
                dictionary.withUnsafeBytes { dict in
                    do {
                        try decoder.decompress(
                            source, into: UnsafeMutableRawBufferPointer(rebasing: output[0..<size]),
                            dictionary: Bool.random(using: &random) ? dict : nil, name: "fuzz", at: 0)
                    } catch {}
                }
            }
        }
    }
}
