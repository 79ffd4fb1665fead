import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

@testable import Validation

/// Document validation between two real osmem-server clusters: planted differences of each kind are found exactly, and
/// the same content written with another key order or number formatting is not a difference.
@Suite struct IndexValidationOsmemTests {
    static let count = 300
    static let missing: Set<Int> = [3, 4, 5, 6]
    static let changedField: Set<Int> = [10, 11, 12]
    static let changedNested: Set<Int> = [20, 21, 22]
    static let changedArrayOrder: Set<Int> = [30, 31, 32]
    static let extra = ["stray-1", "stray-2", "stray-3"]

    /// The source form of document `n`.
    static func sourceDocument(_ n: Int) -> String {
        #"{"n":\#(n),"price":1.5,"qty":2,"customer":{"name":"Ærøskøbing \#(n) 🐦","address":{"city":"Oslo","zip":"0150"}},"tags":["a","b","c"],"big":9007199254740993}"#
    }

    /// The same content with other key order, number formatting and string escapes.
    static func reformatted(_ n: Int, price: String = "15e-1", city: String = "Oslo", tags: String = #"["a","b","c"]"#) -> String {
        #"{"tags":\#(tags),"customer":{"address":{"zip":"0150","city":"\#(city)"},"name":"\u00c6r\u00f8sk\u00f8bing \#(n) \ud83d\udc26"},"qty":2.0,"big":9007199254740993,"price":\#(price),"n":\#(n)e0}"#
    }

    /// Some documents carry a custom routing, the same on both sides.
    static func routing(_ n: Int) -> String? { n % 5 == 0 ? "r\(n % 3)" : nil }

    static func seed(_ source: OsmemServer, _ target: OsmemServer, planted: Bool) async throws {
        try await source.createIndex("orders", body: #"{"settings":{"number_of_shards":2}}"#)
        try await target.createIndex("orders-v2", body: #"{"settings":{"number_of_shards":3}}"#)
        try await source.seed(
            index: "orders",
            documents: (0..<count).map { OsmemServer.SeedDocument(id: "doc-\($0)", source: sourceDocument($0), routing: routing($0)) })
        var targetDocuments: [OsmemServer.SeedDocument] = []
        for n in 0..<count {
            guard !(planted && missing.contains(n)) else { continue }
            let text: String
            switch n {
            case _ where planted && changedField.contains(n): text = reformatted(n, price: "1.25")
            case _ where planted && changedNested.contains(n): text = reformatted(n, city: "Bergen")
            case _ where planted && changedArrayOrder.contains(n): text = reformatted(n, tags: #"["a","c","b"]"#)
            default: text = reformatted(n)
            }
            targetDocuments.append(OsmemServer.SeedDocument(id: "doc-\(n)", source: text, routing: routing(n)))
        }
        if planted {
            targetDocuments += extra.map { OsmemServer.SeedDocument(id: $0, source: sourceDocument(0)) }
        }
        try await target.seed(index: "orders-v2", documents: targetDocuments)
    }

    /// Writes in flight as a capture log would name them.
    struct FixedInFlight: InFlightWritesSource {
        let writes: InFlightWrites
        func current() async throws -> InFlightWrites { writes }
    }

    static func validate(
        _ source: OsmemServer, _ target: OsmemServer, sampleRate: Double = 1, inFlight: InFlightWrites? = nil,
        transform: (@Sendable (Document) throws -> Document?)? = nil
    ) async throws -> IndexValidationResult {
        let logger = Logger(label: "test")
        return try await SearchClient.withClient(source.configuration(role: "source"), logger: logger) { sourceClient in
            try await SearchClient.withClient(target.configuration(role: "target"), logger: logger) { targetClient in
                let validation = IndexValidation(
                    source: sourceClient, sourceCluster: try await sourceClient.info(), target: targetClient,
                    targetCluster: try await targetClient.info(),
                    options: IndexValidation.Options(
                        reading: DocumentDigestReader.Options(
                            slices: 3, concurrency: 2, pageSize: 40, sampleRate: sampleRate, transform: transform),
                        recordsPerPartition: 100, inFlight: inFlight.map(FixedInFlight.init)))
                return try await validation.run(sourceIndex: "orders", targetIndex: "orders-v2")
            }
        }
    }

    static func ids(_ numbers: Set<Int>) -> Set<String> { Set(numbers.map { "doc-\($0)" }) }

    @Test func plantedDifferencesAreFoundExactly() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seed(source, target, planted: true)
                let result = try await Self.validate(source, target)
                #expect(result.sourceCount == Int64(Self.count))
                #expect(result.targetCount == Int64(Self.count - Self.missing.count + Self.extra.count))
                #expect(result.sourceDigested == result.sourceCount)
                #expect(result.targetDigested == result.targetCount)
                #expect(result.missing == Int64(Self.missing.count))
                #expect(result.extra == Int64(Self.extra.count))
                #expect(result.different == 9)
                #expect(Set(result.samples.missing) == Self.ids(Self.missing))
                #expect(Set(result.samples.extra) == Set(Self.extra))
                #expect(
                    Set(result.samples.different) == Self.ids(Self.changedField.union(Self.changedNested).union(Self.changedArrayOrder)))
                #expect(!result.isClean)

                let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any]
                #expect(json?["source_count"] as? Int == Self.count)
                #expect(json?["target_count"] as? Int == Self.count - 1)
                #expect(json?["missing"] as? Int == 4)
                #expect(json?["extra"] as? Int == 3)
                #expect(json?["different"] as? Int == 9)
                #expect((json?["samples"] as? [String: Any])?["missing"] as? [String] != nil)
                #expect(json?["in_flight"] == nil && json?["counts_in_flight"] == nil, "no capture log, no in-flight keys")
            }
        }
    }

    @Test func onlyDifferencesOnDocumentsWithWritesInFlightAreExcused() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seed(source, target, planted: true)
                // The log names the source's index ("orders"); a name of the renamed target excuses nothing.
                let some = InFlightWrites(
                    since: "segment-00000000000000000002.tcl@100", until: "segment-00000000000000000002.tcl@900",
                    documents: ["orders": ["doc-3", "doc-4", "doc-10", "stray-1", "doc-100"], "orders-v2": ["doc-5", "doc-11"]])
                let partly = try await Self.validate(source, target, inFlight: some)
                #expect(partly.inFlight == 4, "doc-100 has a write in flight but does not differ")
                #expect(Set(partly.inFlightSamples ?? []) == ["doc-3", "doc-4", "doc-10", "stray-1"])
                #expect(partly.missing == Int64(Self.missing.count - 2) && Set(partly.samples.missing) == ["doc-5", "doc-6"])
                #expect(partly.extra == Int64(Self.extra.count - 1))
                #expect(partly.different == 8 && partly.samples.different.contains("doc-11"))
                #expect(partly.countsInFlight == true, "one document apart, five writes in flight")
                #expect(!partly.isClean, "the differences without a write in flight are real")

                let all = InFlightWrites(
                    since: some.since, until: some.until,
                    documents: ["orders": Self.ids(Self.missing.union(Self.changedField).union(Self.changedNested)).union(Self.extra)],
                    wholeIndices: ["logs-*"])
                let excused = try await Self.validate(source, target, inFlight: all)
                #expect(excused.different == 3, "the changed array order has no write in flight")
                var everything = all
                everything.wholeIndices = ["ord*"]
                let clean = try await Self.validate(source, target, inFlight: everything)
                #expect(clean.missing == 0 && clean.extra == 0 && clean.different == 0)
                #expect(clean.inFlight == Int64(Self.missing.count + Self.extra.count + 9))
                #expect(clean.isClean && clean.documentsAgree)

                let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(clean)) as? [String: Any]
                #expect(json?["in_flight"] as? Int == 16)
                #expect((json?["in_flight_samples"] as? [String])?.count == 16)
                #expect(json?["counts_in_flight"] as? Bool == true)
                #expect(json?["missing"] as? Int == 0)
            }
        }
    }

    @Test func otherKeyOrderAndNumberFormattingIsNoDifference() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seed(source, target, planted: false)
                let result = try await Self.validate(source, target)
                #expect(result.sourceCount == Int64(Self.count))
                #expect(result.targetCount == Int64(Self.count))
                #expect(result.missing == 0)
                #expect(result.extra == 0)
                #expect(result.different == 0, "\(result.samples.different)")
                #expect(result.isClean)
            }
        }
    }

    @Test func aHalfSampleFindsThePlantedDifferencesAmongSampledIds() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seed(source, target, planted: true)
                let result = try await Self.validate(source, target, sampleRate: 0.5)
                let sampled = { (ids: Set<String>) in ids.filter { DigestRecord.isSampled($0, rate: 0.5) } }
                let missing = sampled(Self.ids(Self.missing))
                let extra = sampled(Set(Self.extra))
                let different = sampled(Self.ids(Self.changedField.union(Self.changedNested).union(Self.changedArrayOrder)))
                #expect(!missing.isEmpty && !different.isEmpty, "the fixed ids hash into the sample")
                #expect(result.sourceCount == Int64(Self.count))
                #expect(abs(result.sourceDigested - Int64(Self.count / 2)) < Int64(Self.count / 6), "digested \(result.sourceDigested)")
                #expect(result.sourceDigested == Int64((0..<Self.count).filter { DigestRecord.isSampled("doc-\($0)", rate: 0.5) }.count))
                #expect(result.missing == Int64(missing.count))
                #expect(result.extra == Int64(extra.count))
                #expect(result.different == Int64(different.count))
                #expect(Set(result.samples.missing) == missing)
                #expect(Set(result.samples.extra) == extra)
                #expect(Set(result.samples.different) == different)
            }
        }
    }

    @Test func aMissingTargetIndexFailsWithASentence() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.seed(index: "orders", documents: [(id: "1", source: #"{"a":1}"#)])
                let thrown = await #expect(throws: TernError.self) { _ = try await Self.validate(source, target) }
                #expect(thrown?.kind == .indexNotFound)
            }
        }
    }

    @Test func theSourceTransformIsAppliedBeforeDigesting() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.seed(
                    index: "orders",
                    documents: [(id: "1", source: #"{"title":"Dune","year":1965}"#), (id: "2", source: #"{"title":"Emma","year":1815}"#)])
                try await target.seed(
                    index: "orders-v2",
                    documents: [(id: "1", source: #"{"name":"Dune","year":1965}"#), (id: "2", source: #"{"name":"Emma","year":1815}"#)])
                #expect(try await Self.validate(source, target).different == 2)
                // As a backfill transform renaming title to name would have written them.
                let renamed = try await Self.validate(source, target) { document in
                    var copy = document
                    copy.source = Array(
                        String(decoding: document.source, as: UTF8.self).replacingOccurrences(of: "\"title\"", with: "\"name\"").utf8)
                    return copy
                }
                #expect(renamed.isClean, "\(renamed)")
            }
        }
    }
}
