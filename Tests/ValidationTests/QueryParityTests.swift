import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

@testable import Validation

/// Query and aggregation parity: the comparison rules on written answers, then real requests on two osmem clusters.
@Suite struct QueryParityTests {
    func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func identicalAnswersAgreeWhateverTheHitOrderAmongTies() throws {
        let source = try json(
            #"{"hits":{"total":{"value":3,"relation":"eq"},"hits":[{"_id":"a","_score":2.0},{"_id":"b","_score":1.0},{"_id":"c","_score":1.0}]}}"#
        )
        let target = try json(
            #"{"hits":{"total":{"value":3,"relation":"eq"},"hits":[{"_id":"a","_score":1.9},{"_id":"c","_score":1.0},{"_id":"b","_score":1.0}]}}"#
        )
        #expect(SearchAnswerComparison().differences(source: source, target: target).isEmpty)
    }

    @Test func totalsAndTopHitsDiffer() throws {
        let source = try json(#"{"hits":{"total":{"value":3},"hits":[{"_id":"a","_score":1},{"_id":"b","_score":1}]}}"#)
        let target = try json(#"{"hits":{"total":2,"hits":[{"_id":"a","_score":1},{"_id":"x","_score":1}]}}"#)
        let found = SearchAnswerComparison().differences(source: source, target: target)
        #expect(found.contains("total hits: 3 on the source, 2 on the target"))
        #expect(found.contains("top 10 hits: b only on the source"))
        #expect(found.contains("top 10 hits: x only on the target"))
    }

    @Test func tiesAtTheCutDoNotCount() throws {
        // Top 2: the second place is tied between b and c; either may be returned.
        let source = try json(#"{"hits":{"total":3,"hits":[{"_id":"a","_score":3},{"_id":"b","_score":1}]}}"#)
        let target = try json(#"{"hits":{"total":3,"hits":[{"_id":"a","_score":3},{"_id":"c","_score":1}]}}"#)
        #expect(SearchAnswerComparison(topHits: 2).differences(source: source, target: target).isEmpty)
    }

    @Test func aggregationsMatchBucketsByKeyWithAFloatTolerance() throws {
        let source = try json(
            #"{"aggregations":{"by_level":{"doc_count_error_upper_bound":0,"buckets":[{"key":"info","doc_count":5,"avg_ms":{"value":10.000000001}},{"key":"warn","doc_count":2,"avg_ms":{"value":3.5}}]}}}"#
        )
        let sameInOtherOrder = try json(
            #"{"aggregations":{"by_level":{"doc_count_error_upper_bound":4,"buckets":[{"key":"warn","doc_count":2,"avg_ms":{"value":3.5}},{"key":"info","doc_count":5,"avg_ms":{"value":10.0}}]}}}"#
        )
        #expect(SearchAnswerComparison().differences(source: source, target: sameInOtherOrder).isEmpty)
        let changed = try json(
            #"{"aggregations":{"by_level":{"buckets":[{"key":"info","doc_count":4,"avg_ms":{"value":11.0}},{"key":"error","doc_count":1,"avg_ms":{"value":1}}]}}}"#
        )
        let found = SearchAnswerComparison().differences(source: source, target: changed)
        #expect(found.contains("aggregations.by_level.buckets[info].doc_count: 5 on the source, 4 on the target"))
        #expect(found.contains("aggregations.by_level.buckets[info].avg_ms.value: 10.000000001 on the source, 11 on the target"))
        #expect(found.contains("aggregations.by_level.buckets[warn]: (3 entries) on the source, absent on the target"))
        #expect(found.contains("aggregations.by_level.buckets[error]: absent on the source, (3 entries) on the target"))
    }

    @Test func queryFilesExplainTheirMistakes() throws {
        let cases = try QueryCase.parse("# errors\n{\"index\":\"logs\",\"body\":{\"size\":0},\"name\":\"n\"}\n\n", file: "q.ndjson")
        #expect(cases.count == 1 && cases[0].origin == "q.ndjson line 2" && cases[0].name == "n")
        #expect(throws: TernError.self) { try QueryCase.parse("{\"body\":{}}", file: "q.ndjson") }
        do {
            _ = try QueryCase.parse("{\"index\":\"a\"}\nnot json", file: "q.ndjson")
            Issue.record("a bad line was accepted")
        } catch let error as TernError {
            #expect(error.message.hasPrefix("q.ndjson line 2 is not a JSON object"))
        }
    }

    @Test func aChangedDocumentShowsInAnAggregationOnRealClusters() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                let mapping = #"{"mappings":{"properties":{"level":{"type":"keyword"},"ms":{"type":"double"},"msg":{"type":"text"}}}}"#
                let documents = (1...60).map {
                    OsmemServer.SeedDocument(
                        id: "d\($0)",
                        source: #"{"level":"\#(["info", "warn", "error"][$0 % 3])","ms":\#(Double($0) * 1.5),"msg":"request \#($0)"}"#)
                }
                try await source.createIndex("logs", body: mapping)
                try await source.seed(index: "logs", documents: documents)
                try await target.createIndex("logs-copy", body: mapping)
                try await target.seed(index: "logs-copy", documents: documents)
                let cases = try QueryCase.parse(
                    """
                    {"index":"logs","name":"levels","body":{"size":0,"aggs":{"by_level":{"terms":{"field":"level"},"aggs":{"avg_ms":{"avg":{"field":"ms"}}}}}}}
                    {"index":"logs","name":"search","body":{"query":{"match":{"msg":"request"}},"size":5}}
                    """, file: "queries.ndjson")
                let parity = QueryParity(selection: IndexSelection(renames: [("logs", "logs-copy")]))
                let logger = Logger(label: "test")
                let clean = try await SearchClient.withClient(source.configuration(role: "source"), logger: logger) { sourceClient in
                    try await SearchClient.withClient(target.configuration(role: "target"), logger: logger) { targetClient in
                        try await parity.run(cases, source: sourceClient, target: targetClient)
                    }
                }
                #expect(clean.allSatisfy { $0.differences.isEmpty }, "\(clean)")
                #expect(clean.first?.sourceTotal == 60)
                // One document moves from info to warn on the target: the terms buckets and their averages differ.
                try await target.seed(
                    index: "logs-copy",
                    documents: [OsmemServer.SeedDocument(id: "d3", source: #"{"level":"warn","ms":4.5,"msg":"request 3"}"#)])
                let changed = try await SearchClient.withClient(source.configuration(role: "source"), logger: logger) { sourceClient in
                    try await SearchClient.withClient(target.configuration(role: "target"), logger: logger) { targetClient in
                        try await parity.run(cases, source: sourceClient, target: targetClient)
                    }
                }
                let levels = try #require(changed.first { $0.name == "levels" })
                #expect(
                    levels.differences.contains("aggregations.by_level.buckets[info].doc_count: 20 on the source, 19 on the target"),
                    "\(levels.differences)")
                #expect(levels.differences.contains { $0.hasPrefix("aggregations.by_level.buckets[warn].avg_ms.value") })
            }
        }
    }
}
