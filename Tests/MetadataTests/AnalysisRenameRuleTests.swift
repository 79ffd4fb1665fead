import TernCore
import Testing

@testable import Metadata

@Suite struct AnalysisRenameRuleTests {
    typealias F = MetadataFixtures

    @Test func renamesCamelCaseTypesAndRemovesStandardFilter() {
        let (settings, log) = F.run(settings: AnalysisRenameRule.self, F.es6Orders["settings"]!, F.context(F.es6, F.os2))
        let analysis = settings["index"]!["analysis"]!
        #expect(analysis["filter"]?["autocomplete_filter"]?["type"] == .string("edge_ngram"))
        #expect(analysis["char_filter"]?["strip"]?["type"] == .string("html_strip"))
        #expect(analysis["analyzer"]?["autocomplete"]?["filter"] == F.json(#"["lowercase", "autocomplete_filter"]"#))
        #expect(
            log.transformations.map(\.description) == [
                "[settings.standard-filter] /settings/index/analysis/analyzer/autocomplete/filter: removed token filter `standard` from `autocomplete`",
                "[settings.analysis-rename] /settings/index/analysis/filter/autocomplete_filter/type: renamed filter type `edgeNGram` to `edge_ngram` in `autocomplete_filter`",
                "[settings.analysis-rename] /settings/index/analysis/char_filter/strip/type: renamed char_filter type `htmlStrip` to `html_strip` in `strip`",
            ])
    }

    @Test func renamesBuiltInNamesUsedByAnalyzers() {
        let settings = F.json(
            """
            {"index": {"analysis": {
              "tokenizer": {"paths": {"type": "PathHierarchy", "delimiter": "/"}},
              "filter": {"payloads": {"type": "delimited_payload_filter"}, "noop": {"type": "standard"}},
              "analyzer": {"a": {"tokenizer": "nGram", "filter": ["edgeNGram", "noop", "lowercase"], "char_filter": ["htmlStrip"]}},
              "normalizer": {"n": {"type": "custom", "filter": ["standard", "lowercase"]}}
            }}}
            """)
        let (result, log) = F.run(settings: AnalysisRenameRule.self, settings, F.context(F.es5, F.os1))
        let analysis = result["index"]!["analysis"]!
        #expect(analysis["tokenizer"]?["paths"]?["type"] == .string("path_hierarchy"))
        #expect(analysis["filter"] == F.json(#"{"payloads": {"type": "delimited_payload"}}"#))
        #expect(
            analysis["analyzer"]?["a"]
                == F.json(#"{"tokenizer": "ngram", "filter": ["edge_ngram", "lowercase"], "char_filter": ["html_strip"]}"#))
        #expect(analysis["normalizer"]?["n"]?["filter"] == F.json(#"["lowercase"]"#))
        #expect(log.transformations.count == 8)
    }

    @Test func modernAnalysisIsUntouched() {
        let settings = F.os1Docs["settings"]!
        let (result, log) = F.run(settings: AnalysisRenameRule.self, settings, F.context(F.os1, F.os2))
        #expect(result == settings)
        #expect(log.transformations.isEmpty)
        let none = F.json(#"{"index": {"number_of_shards": "1"}}"#)
        #expect(F.run(settings: AnalysisRenameRule.self, none, F.context(F.es5, F.os2)).0 == none)
    }
}

@Suite struct ReplicaAwarenessRuleTests {
    typealias F = MetadataFixtures

    @Test func roundsCopiesUpToAMultipleOfZones() {
        #expect(ReplicaAwarenessRule.adjusted(0, zones: 3) == 2)
        #expect(ReplicaAwarenessRule.adjusted(1, zones: 3) == 2)
        #expect(ReplicaAwarenessRule.adjusted(2, zones: 3) == 2)
        #expect(ReplicaAwarenessRule.adjusted(3, zones: 3) == 5)
        #expect(ReplicaAwarenessRule.adjusted(1, zones: 2) == 1)
        #expect(ReplicaAwarenessRule.adjusted(0, zones: 2) == 1)
        #expect(ReplicaAwarenessRule.adjusted(4, zones: 1) == 4)
    }

    @Test func optInAndKeepsTheValueForm() {
        let settings = F.json(#"{"index": {"number_of_replicas": "1"}}"#)
        #expect(F.run(settings: ReplicaAwarenessRule.self, settings, F.context(F.es7, F.os2)).0 == settings)
        let zones = F.context(F.es7, F.os2, TransformOptions(awarenessZones: 3))
        let (result, log) = F.run(settings: ReplicaAwarenessRule.self, settings, zones)
        #expect(result["index"]?["number_of_replicas"] == .string("2"))
        #expect(
            log.transformations.map(\.summary) == [
                "raised `index.number_of_replicas` from 1 to 2 so each of the target's 3 awareness zones holds a copy"
            ])
        let number = F.run(settings: ReplicaAwarenessRule.self, F.json(#"{"index": {"number_of_replicas": 0}}"#), zones).0
        #expect(number["index"]?["number_of_replicas"] == .int(2))
    }

    @Test func leavesAutoExpandAndMissingReplicasAlone() {
        let zones = F.context(F.es7, F.os2, TransformOptions(awarenessZones: 3))
        let expand = F.json(#"{"index": {"number_of_replicas": "1", "auto_expand_replicas": "0-all"}}"#)
        #expect(F.run(settings: ReplicaAwarenessRule.self, expand, zones).0 == expand)
        let none = F.json(#"{"index": {"refresh_interval": "1s"}}"#)
        #expect(F.run(settings: ReplicaAwarenessRule.self, none, zones).0 == none)
    }
}
