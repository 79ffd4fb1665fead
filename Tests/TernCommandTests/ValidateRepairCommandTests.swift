import Foundation
import TernCore
import TernTestSupport
import Testing
import Validation

/// `tern validate --repair` and the mappings check, with the built binary between two real osmem clusters.
@Suite(.serialized) struct ValidateRepairCommandTests {
    static let mappings =
        #"{"properties":{"n":{"type":"long"},"price":{"type":"double"},"customer":{"properties":{"name":{"type":"keyword"},"tier":{"type":"keyword"}}},"tags":{"type":"keyword"}}}"#

    static func document(_ n: Int, tier: String = "gold", tags: String = #"["a","b"]"#, price: String? = nil) -> String {
        #"{"n":\#(n),"price":\#(price ?? "\(n).5"),"customer":{"name":"c\#(n)","tier":"\#(tier)"},"tags":\#(tags)}"#
    }

    static func sourceDocuments() -> [OsmemServer.SeedDocument] {
        (1...300).map { OsmemServer.SeedDocument(id: "o\($0)", source: document($0), routing: $0 % 7 == 0 ? "r\($0 % 3)" : nil) }
    }

    @Test func repairRemovesEveryPlantedDifferenceAndASecondValidationIsClean() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                let index = #"{"settings":{"number_of_shards":3},"mappings":\#(Self.mappings)}"#
                try await source.createIndex("orders", body: index)
                try await source.seed(index: "orders", documents: Self.sourceDocuments())
                try await target.createIndex("orders-v2", body: index)
                var copies = Self.sourceDocuments()
                copies[10].source = Self.document(11, price: "99.5")  // a changed field
                copies[20].source = Self.document(21, tier: "silver")  // a changed nested value, which moves an aggregation
                copies[30].source = Self.document(31, tags: #"["b","a"]"#)  // a changed array order
                copies[40].routing = "elsewhere"  // the same content under another routing
                copies.removeAll { $0.id == "o7" || $0.id == "o100" }  // missing (one of them routed)
                copies.append(OsmemServer.SeedDocument(id: "x1", source: #"{"n":999}"#))  // extra
                copies.append(OsmemServer.SeedDocument(id: "x2", source: #"{"n":998}"#, routing: "r1"))  // extra, routed
                try await target.seed(index: "orders-v2", documents: copies)
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let queries = folder.appendingPathComponent("queries.ndjson")
                try
                    #"{"index":"orders","name":"tiers","body":{"size":0,"aggs":{"tiers":{"terms":{"field":"customer.tier"}},"revenue":{"sum":{"field":"price"}}}}}"#
                    .write(to: queries, atomically: true, encoding: .utf8)
                let arguments = [
                    "validate", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--rename",
                    "orders:orders-v2",
                    "--queries", queries.path, "--json",
                ]
                let before = try await TernBinary.run(arguments)
                #expect(before.status == 1, "\(before.stderr)")
                let found = try before.decode(ValidationReport.self)
                let first = try #require(found.indices.first)
                #expect(first.missing == 2 && first.extra == 2 && first.different == 4, "\(first)")
                let query = try #require(found.queries.first)
                #expect(!query.differences.isEmpty, "the changed tier and price move the aggregations: \(query)")

                let repaired = try await TernBinary.run(arguments + ["--repair"])
                #expect(repaired.status == 0, "\(repaired.stdout)\(repaired.stderr)")
                let report = try repaired.decode(ValidationReport.self)
                let repair = try #require(report.repairs?.first, "\(repaired.stdout)")
                // 2 missing + 4 different copied; 2 extra and the copy under the wrong routing deleted.
                #expect(repair.copied == 6 && repair.deleted == 3 && repair.failed == 0, "\(repair)")
                let beforeRepair = try #require(report.beforeRepair?.first)
                #expect(beforeRepair.different == 4)
                let after = try #require(report.indices.first)
                #expect(after.missing == 0 && after.extra == 0 && after.different == 0, "\(after)")
                #expect(after.sourceCount == 300 && after.targetCount == 300)

                let again = try await TernBinary.run(Array(arguments.dropLast()))
                #expect(again.status == 0, "\(again.stdout)")
                let stored = try await target.documents(in: "orders-v2")
                let expected = try await source.documents(in: "orders")
                #expect(stored == expected)
            }
        }
    }

    /// The target has a history of its own: documents deleted there with a delete tombstone above the source's version,
    /// updated there many times (external and internal versions above the source's), extra and missing ones. The repair
    /// still makes it equal to the source, and `tern validate --repair` exits 0.
    @Test func repairConvergesOnATargetWithAHistoryOfItsOwn() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("orders", body: #"{"settings":{"number_of_shards":2}}"#)
                try await source.seed(index: "orders", documents: Self.sourceDocuments())
                try await target.createIndex("orders-v2", body: #"{"settings":{"number_of_shards":3}}"#)
                // Copied as a backfill does: the source's `_seq_no` as an external version; o5 and o77 never copied.
                let versions = try await Self.seqNos(source, "orders")
                var lines: [String] = []
                for document in Self.sourceDocuments() where document.id != "o5" && document.id != "o77" {
                    lines += [Self.action(document.id, routing: document.routing, version: versions[document.id]!), document.source]
                }
                // Deleted on the target above the source's version (o14 routed).
                for id in ["o2", "o14"] {
                    lines.append(Self.action(id, routing: id == "o14" ? "r2" : nil, version: versions[id]! + 1000, operation: "delete"))
                }
                // Updated on the target many times: external versions above the source's, and internal ones.
                for k in 1...10 {
                    lines += [Self.action("o3", routing: nil, version: versions["o3"]! + Int64(50 * k)), Self.document(3, tier: "t\(k)")]
                    lines += [Self.action("o4", routing: nil), Self.document(4, price: "\(k).25")]
                }
                // Extra, one of them above any source version.
                lines += [
                    Self.action("x1", routing: nil, version: 100_000), #"{"n":999}"#, Self.action("x2", routing: "r1"), #"{"n":998}"#,
                ]
                try await target.send(
                    .POST, "/_bulk", query: [("refresh", "true")], body: Array((lines.joined(separator: "\n") + "\n").utf8),
                    contentType: "application/x-ndjson")

                let arguments = [
                    "validate", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--rename",
                    "orders:orders-v2",
                    "--json",
                ]
                let repaired = try await TernBinary.run(arguments + ["--repair"])
                #expect(repaired.status == 0, "\(repaired.stdout)\(repaired.stderr)")
                let report = try repaired.decode(ValidationReport.self)
                let before = try #require(report.beforeRepair?.first)
                #expect(before.missing == 4 && before.extra == 2 && before.different == 2, "\(before)")
                let repair = try #require(report.repairs?.first, "\(repaired.stdout)")
                #expect(repair.copied == 6 && repair.deleted == 2 && repair.failed == 0, "\(repair)")
                // o2, o14 (tombstones), o3, o4 (updated on the target) keep a version above the source's.
                #expect(repair.versionsAhead == 4, "\(repair)")

                // Read directly, both sides hold the same documents under the same routing.
                let stored = try await target.documents(in: "orders-v2")
                let expected = try await source.documents(in: "orders")
                #expect(stored == expected)
                let again = try await TernBinary.run(arguments)
                #expect(again.status == 0, "\(again.stdout)")
            }
        }
    }

    /// `_seq_no` of every document of `index`, by id.
    static func seqNos(_ server: OsmemServer, _ index: String) async throws -> [String: Int64] {
        let body = #"{"size":10000,"seq_no_primary_term":true,"query":{"match_all":{}}}"#
        let answer = try await server.send(.POST, "/\(index)/_search", body: Array(body.utf8))
        let hits = try #require(try JSONValue.parse(answer)["hits"]?["hits"]?.arrayValue, "\(String(decoding: answer, as: UTF8.self))")
        var versions: [String: Int64] = [:]
        for hit in hits { versions[try #require(hit["_id"]?.stringValue)] = try #require(hit["_seq_no"]?.intValue) }
        return versions
    }

    /// A `_bulk` action line on `orders-v2`, with an external version when one is given.
    static func action(_ id: String, routing: String?, version: Int64? = nil, operation: String = "index") -> String {
        var fields = [#""_index":"orders-v2""#, #""_id":"\#(id)""#]
        if let routing { fields.append(#""routing":"\#(routing)""#) }
        if let version { fields += [#""version":\#(version)"#, #""version_type":"external""#] }
        return #"{"\#(operation)":{\#(fields.joined(separator: ","))}}"#
    }

    @Test func aMappingDifferenceFailsAndSettingsDifferencesAreOnlyReported() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("orders", body: #"{"settings":{"number_of_replicas":1},"mappings":\#(Self.mappings)}"#)
                try await source.seed(index: "orders", documents: Self.sourceDocuments())
                try await target.createIndex("orders", body: #"{"settings":{"number_of_replicas":0},"mappings":\#(Self.mappings)}"#)
                try await target.seed(index: "orders", documents: Self.sourceDocuments())
                let arguments = ["validate", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--json"]
                let settingsOnly = try await TernBinary.run(arguments)
                #expect(settingsOnly.status == 0, "\(settingsOnly.stdout)\(settingsOnly.stderr)")
                let metadata = try #require(try settingsOnly.decode(ValidationReport.self).indices.first?.metadata)
                #expect(metadata.status == .different, "\(metadata)")
                #expect(metadata.otherDifferences.contains("/settings/index/number_of_replicas"), "\(metadata)")
                #expect(metadata.mappingDifferences.isEmpty)

                try await target.send(.PUT, "/orders/_mapping", body: Array(#"{"properties":{"note":{"type":"text"}}}"#.utf8))
                let mapping = try await TernBinary.run(arguments)
                #expect(mapping.status == 1, "\(mapping.stdout)")
                let changed = try #require(try mapping.decode(ValidationReport.self).indices.first?.metadata)
                #expect(changed.mappingDifferences.contains("/mappings/properties/note"), "\(changed)")
                let human = try await TernBinary.run(Array(arguments.dropLast()))
                #expect(human.stdout.contains("/mappings/properties/note"), "\(human.stdout)")
            }
        }
    }
}
