import Foundation
import TernTestSupport
import Testing

@testable import SnapshotReader

/// One index to read: a generator mode written by one Lucene.
struct ModernLuceneCase: Sendable, CustomTestStringConvertible {
    var lucene: LuceneFixtures.Version
    var mode: String

    var testDescription: String { "\(mode), \(lucene)" }

    /// Every mode of `ModernLuceneFixtureGenerator` on Lucene 9.9 and 10.4, and the 100,000-document one on 10.4 only
    /// (the format of the 1M-document benchmark; once is enough for CI's time).
    static let all: [ModernLuceneCase] =
        [LuceneFixtures.Version.lucene99, .lucene104].flatMap { lucene in
            ModernLuceneReaderTests.modes.map { ModernLuceneCase(lucene: lucene, mode: $0) }
        }
        + [ModernLuceneCase(lucene: .lucene104, mode: "big")]
}

@Suite("LuceneIndexReader against real Lucene 9.9 and 10.4")
struct ModernLuceneReaderTests {
    static let modes = [
        "soft-deletes", "hard-deletes", "many-segments", "all-deleted", "large-speed", "large-compression", "opensearch",
        "opensearch-custom", "elasticsearch", "elasticsearch-zstd", "opensearch-zstd", "opensearch-zstd-nodict", "empty-documents",
    ]

    @Test("returns exactly the live documents Lucene returns", arguments: ModernLuceneCase.all)
    func matchesLucene(_ index: ModernLuceneCase) throws {
        let fixture = try LuceneFixtures.index(index.mode, lucene: index.lucene)
        let expected = try fixture.expectedDocuments()
        let reader = try LuceneIndexReader(directory: FolderDirectory(path: fixture.folder.path), verifyChecksums: true)
        // Lucene's expectations leave out documents without stored fields (nested children); the reader visits them.
        let visited = try readAllLuceneDocuments(reader)
        let actual = visited.filter { !($0.id.isEmpty && $0.source.isEmpty && $0.stored.isEmpty) }
        #expect(reader.liveDocumentCount == visited.count)
        #expect(actual.count == expected.count)
        for (position, (got, want)) in zip(actual, expected).enumerated() {
            let same =
                got.seg == want.seg && got.doc == want.doc && got.id == want.id && got.routing == want.routing
                && got.source == Array(want.source.utf8) && got.stored == want.stored
            if !same {
                Issue.record(
                    "document \(position) differs: got \(got.seg)/\(got.doc) id \(got.id) routing \(got.routing ?? "-") stored \(got.stored) source \(got.source.count) bytes; Lucene has \(want.seg)/\(want.doc) id \(want.id) routing \(want.routing ?? "-") stored \(want.stored) source \(want.source.utf8.count) bytes"
                )
                break
            }
        }
        // Every segment of the commit, fully deleted ones included, as Lucene lists it: name, codec label, compound
        // or not, and its live count.
        let segments = try fixture.segments()
        #expect(reader.segments.map(\.name) == segments.map(\.name))
        for (got, want) in zip(reader.segments, segments) {
            #expect(got.codec == want.codec, "segment \(want.name)")
            #expect(got.info.isCompound == want.compound, "segment \(want.name)")
            #expect(got.maxDoc == want.maxDoc, "segment \(want.name)")
            #expect(got.liveCount == want.maxDoc - want.delCount - want.softDelCount, "segment \(want.name)")
            #expect(got.liveCount + got.deletedCount == got.maxDoc, "segment \(want.name)")
        }
    }

    /// The fixtures are worth only what they exercise: this checks, with Lucene's own reading, that each mode wrote
    /// what it claims, so a generator change cannot quietly weaken the reader tests above.
    @Test("each generated index holds what its mode claims", arguments: ModernLuceneCase.all)
    func fixtureHoldsWhatItClaims(_ index: ModernLuceneCase) throws {
        let fixture = try LuceneFixtures.index(index.mode, lucene: index.lucene)
        let documents = try fixture.expectedDocuments()
        let segments = try fixture.segments()
        #expect(!documents.isEmpty)
        let ownCodec = index.lucene == .lucene99 ? "Lucene99" : "Lucene104"
        let modes = Set(segments.compactMap(\.mode))
        let softDeletes = segments.contains { $0.softDelCount > 0 }
        let hardDeletes = segments.contains { $0.delCount > 0 }
        switch index.mode {
        case "soft-deletes":
            #expect(segments.allSatisfy { $0.codec == ownCodec && $0.compound } && modes == ["BEST_SPEED"] && softDeletes)
        case "hard-deletes":
            #expect(segments.allSatisfy { $0.codec == ownCodec && !$0.compound } && modes == ["BEST_COMPRESSION"] && hardDeletes)
            #expect(!softDeletes)
        case "many-segments":
            #expect(segments.count > 10 && modes == ["BEST_SPEED", "BEST_COMPRESSION"] && softDeletes && hardDeletes)
            #expect(segments.contains { $0.compound } && segments.contains { !$0.compound })
        case "all-deleted":
            #expect(segments.contains { $0.softDelCount == $0.maxDoc && $0.maxDoc > 0 })
            #expect(segments.contains { $0.delCount == $0.maxDoc && $0.maxDoc > 0 })
        case "large-speed", "large-compression":
            #expect(modes == [index.mode == "large-speed" ? "BEST_SPEED" : "BEST_COMPRESSION"])
            #expect(documents.contains { $0.source.utf8.count > 1_000_000 })
        case "opensearch", "opensearch-custom", "elasticsearch":
            let labels: [String: (String, String)] = [
                "opensearch": ("KNN990Codec", "KNN1030Codec"), "opensearch-custom": ("Lucene99CustomCodec", "Lucene101CustomCodec"),
                "elasticsearch": ("Elasticsearch816", "Elasticsearch900Lucene101"),
            ]
            let label = try #require(labels[index.mode])
            #expect(segments.allSatisfy { $0.codec == (index.lucene == .lucene99 ? label.0 : label.1) })
            #expect(softDeletes && hardDeletes)
            // _recovery_source is stored beside a filtered _source; readers must return the _source.
            #expect(documents.contains { $0.stored["_recovery_source"] != nil && !$0.source.contains("\"body\"") })
            #expect(documents.contains { $0.routing != nil })
            if index.mode == "elasticsearch" { #expect(documents.contains { $0.stored["_ignored_source"] != nil }) }
        case "big":
            #expect(documents.count > 90_000 && softDeletes)
        case "elasticsearch-zstd", "opensearch-zstd", "opensearch-zstd-nodict":
            let formats = [
                "elasticsearch-zstd": ("Elasticsearch814", "ZstdStoredFields814"), "opensearch-zstd": ("Zstd99", "CustomStoredFieldsZstd"),
                "opensearch-zstd-nodict": ("ZstdNoDict99", "CustomStoredFieldsZstdNoDict"),
            ]
            let (codec, format) = try #require(formats[index.mode])
            #expect(segments.allSatisfy { $0.codec == codec } && softDeletes)
            // The stored fields really are in the zstd format: its name heads the .fdt (inside .cfs when compound).
            let files = try FileManager.default.contentsOfDirectory(at: fixture.folder, includingPropertiesForKeys: nil)
            let holders = try files.filter { $0.pathExtension == "fdt" || $0.pathExtension == "cfs" }
                .filter { try Data(contentsOf: $0).range(of: Data((format + "\0\0\0\u{1}").utf8)) != nil }
            #expect(!holders.isEmpty, "no file holds \(format)")
            #expect(documents.contains { $0.source.utf8.count > 500_000 })
            if index.mode == "elasticsearch-zstd" { #expect(segments.contains { $0.compound } && segments.contains { !$0.compound }) }
        case "empty-documents":
            #expect(documents.count == 1200 && segments.map(\.maxDoc) == [2700, 2700])
            #expect(segments.map(\.codec) == [index.lucene == .lucene99 ? "Lucene99" : "Lucene104", "Elasticsearch814"])
        default:
            Issue.record("no claim known for mode \(index.mode)")
        }
        // Unicode ids and Elasticsearch's three id encodings (numeric, base64url, UTF-8) in every mode of some size.
        if documents.count > 100 {
            #expect(documents.contains { $0.id.unicodeScalars.contains { $0.value > 0xFFFF } })
            #expect(documents.contains { $0.id.allSatisfy(\.isNumber) })
        }
    }

    @Test(
        "segments cut into shares read on their own return every live document once",
        arguments: [
            ModernLuceneCase(lucene: .lucene87, mode: "soft-deletes"), ModernLuceneCase(lucene: .lucene87, mode: "large-speed"),
            ModernLuceneCase(lucene: .lucene99, mode: "many-segments"), ModernLuceneCase(lucene: .lucene99, mode: "hard-deletes"),
            ModernLuceneCase(lucene: .lucene104, mode: "large-compression"),
            ModernLuceneCase(lucene: .lucene104, mode: "elasticsearch-zstd"),
            ModernLuceneCase(lucene: .lucene104, mode: "opensearch-zstd-nodict"), ModernLuceneCase(lucene: .lucene104, mode: "all-deleted"),
        ])
    func shares(_ index: ModernLuceneCase) throws {
        let fixture = try LuceneFixtures.index(index.mode, lucene: index.lucene)
        let reader = try LuceneIndexReader(directory: FolderDirectory(path: fixture.folder.path), verifyChecksums: true)
        let whole = try readAllLuceneDocuments(reader)
        // Shares of ~37 documents cut through chunks: each chunk must be read by exactly one share.
        let shares = reader.shares(threads: 5, minimumShare: 37)
        for segment in reader.segments.indices where reader.segments[segment].liveCount > 0 {
            let cuts = shares.filter { $0.segment == segment }.map(\.chunks)
            #expect(cuts.first?.lowerBound == 0 && cuts.last?.upperBound == reader.segments[segment].maxDoc)
            #expect(zip(cuts, cuts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(cuts.count == min(5, max(1, reader.segments[segment].maxDoc / 37)))
        }
        #expect(!shares.contains { reader.segments[$0.segment].liveCount == 0 })
        var parts: [LuceneCollectingVisitor.Document] = []
        // In reverse, as a second thread would start: nothing may depend on an earlier share having been read.
        for share in shares.reversed() {
            var visitor = LuceneCollectingVisitor(segmentNames: reader.segments.map(\.name))
            try reader.visitLiveDocuments(share, visitor: &visitor)
            parts += visitor.documents
        }
        let order = { (lhs: LuceneCollectingVisitor.Document, rhs: LuceneCollectingVisitor.Document) in
            (lhs.seg, lhs.doc) < (rhs.seg, rhs.doc)
        }
        #expect(parts.count == whole.count)
        #expect(parts.sorted(by: order) == whole.sorted(by: order))
    }

    @Test("100,000 documents in segments cut into shares for two threads: every live document once, byte for byte")
    func segmentsSharedByTwoThreads() async throws {
        let fixture = try LuceneFixtures.index("big", lucene: .lucene104)
        let reader = try LuceneIndexReader(directory: FolderDirectory(path: fixture.folder.path))
        #expect(reader.shares(threads: 2).count == 2 * reader.segments.count, "segments not cut: threads would not share one")
        struct Read: Hashable {
            var id: String
            var routing: String?
            var source: [UInt8]
        }
        var expected: [Read: Int] = [:]
        for document in try fixture.expectedDocuments() {
            expected[Read(id: document.id, routing: document.routing, source: Array(document.source.utf8)), default: 0] += 1
        }
        var actual: [Read: Int] = [:]
        let batches = try SnapshotDocumentReader.batches(
            luceneFolder: fixture.folder.path, index: "big", options: SnapshotDocumentReader.Options(concurrency: 2))
        for try await batch in batches {
            for document in batch { actual[Read(id: document.id, routing: document.routing, source: document.source), default: 0] += 1 }
        }
        #expect(actual.values.reduce(0, +) == expected.values.reduce(0, +))
        #expect(actual == expected)
    }
}
