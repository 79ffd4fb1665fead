import Foundation
import TernTestSupport
import Testing
import Validation

/// `tern validate` with the built binary between two real osmem clusters, with planted differences.
@Suite(.serialized) struct ValidateCommandTests {
    static func documents() -> [OsmemServer.SeedDocument] {
        (1...200).map {
            OsmemServer.SeedDocument(
                id: "o\($0)", source: #"{"n":\#($0),"price":\#($0).5,"customer":{"name":"c\#($0)","tier":"gold"},"tags":["a","b"]}"#)
        }
    }

    @Test func findsEachPlantedDifferenceAndNothingElse() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("orders", body: #"{"settings":{"number_of_shards":3}}"#)
                try await source.seed(index: "orders", documents: Self.documents())
                // The target: other key order and number spelling everywhere (not differences), then one of each planted kind.
                var copies = (1...200).map {
                    OsmemServer.SeedDocument(
                        id: "o\($0)",
                        source: #"{"tags":["a","b"],"customer":{"tier":"gold","name":"c\#($0)"},"price":\#($0).50,"n":\#($0).0}"#)
                }
                copies[10] = OsmemServer.SeedDocument(
                    id: "o11", source: #"{"n":11,"price":99.5,"customer":{"name":"c11","tier":"gold"},"tags":["a","b"]}"#)
                copies[20] = OsmemServer.SeedDocument(
                    id: "o21", source: #"{"n":21,"price":21.5,"customer":{"name":"c21","tier":"silver"},"tags":["a","b"]}"#)
                copies[30] = OsmemServer.SeedDocument(
                    id: "o31", source: #"{"n":31,"price":31.5,"customer":{"name":"c31","tier":"gold"},"tags":["b","a"]}"#)
                copies.removeAll { $0.id == "o7" }  // missing
                copies.append(OsmemServer.SeedDocument(id: "x1", source: #"{"n":999}"#))  // extra
                try await target.createIndex("orders-new")
                try await target.seed(index: "orders-new", documents: copies)
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let queries = folder.appendingPathComponent("queries.ndjson")
                try #"{"index":"orders","name":"tiers","body":{"size":0,"aggs":{"tiers":{"terms":{"field":"customer.tier.keyword"}}}}}"#
                    .write(to: queries, atomically: true, encoding: .utf8)
                let reportFile = folder.appendingPathComponent("report.html").path
                let result = try await TernBinary.run([
                    "validate", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--rename",
                    "orders:orders-new",
                    "--queries", queries.path, "--report", reportFile, "--json",
                ])
                #expect(result.status == 1, "\(result.stderr)")
                let report = try result.decode(ValidationReport.self)
                let index = try #require(report.indices.first)
                #expect(index.sourceCount == 200 && index.targetCount == 200)
                #expect(index.missing == 1 && index.extra == 1 && index.different == 3, "\(index)")
                #expect(index.samples.missing == ["o7"] && index.samples.extra == ["x1"])
                #expect(Set(index.samples.different) == ["o11", "o21", "o31"])
                let query = try #require(report.queries.first)
                #expect(query.differences.contains { $0.contains("buckets[silver]") }, "\(query)")
                let html = try String(contentsOfFile: reportFile, encoding: .utf8)
                #expect(html.contains("Differences found.") && html.contains("o7"))
            }
        }
    }

    @Test func theSameDocumentsPassAndAMarkdownReportIsWritten() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("orders")
                try await source.seed(index: "orders", documents: Self.documents())
                try await target.createIndex("orders", body: #"{"settings":{"number_of_shards":2}}"#)
                try await target.seed(index: "orders", documents: Self.documents().reversed())
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let reportFile = folder.appendingPathComponent("report.md").path
                let result = try await TernBinary.run([
                    "validate", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--report", reportFile,
                ])
                #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
                #expect(result.stdout.contains("The target holds the same documents."), "\(result.stdout)")
                let markdown = try String(contentsOfFile: reportFile, encoding: .utf8)
                #expect(markdown.contains("| orders | orders | 200 | 200 | 0 | 0 | 0 | every document |"), "\(markdown)")
                let sampled = try await TernBinary.run([
                    "validate", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--sample", "0.3",
                ])
                #expect(sampled.status == 0 && sampled.stdout.contains("among the sampled ids"), "\(sampled.stdout)")
                let bad = try await TernBinary.run([
                    "validate", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--sample", "2",
                ])
                #expect(bad.status == 2)
            }
        }
    }
}
