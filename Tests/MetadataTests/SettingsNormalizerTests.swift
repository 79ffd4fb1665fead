import TernCore
import Testing

@testable import Metadata

@Suite struct SettingsNormalizerTests {
    typealias F = MetadataFixtures

    @Test func flatNestedAndUnprefixedFormsGiveOneCanonicalForm() {
        let nested = F.json(
            #"{"index": {"number_of_shards": "3", "analysis": {"analyzer": {"a": {"tokenizer": "standard", "filter": ["lowercase"]}}}}}"#)
        let flat = F.json(
            #"{"index.number_of_shards": "3", "index.analysis.analyzer.a.tokenizer": "standard", "index.analysis.analyzer.a.filter": ["lowercase"]}"#
        )
        let unprefixed = F.json(
            #"{"number_of_shards": "3", "analysis": {"analyzer": {"a": {"tokenizer": "standard", "filter": ["lowercase"]}}}}"#)
        let mixed = F.json(
            #"{"index": {"number_of_shards": "3"}, "index.analysis.analyzer.a": {"tokenizer": "standard", "filter": ["lowercase"]}}"#)
        for form in [nested, flat, unprefixed, mixed] {
            #expect(SettingsNormalizer.normalize(form) == nested)
        }
        #expect(SettingsNormalizer.isCanonical(nested))
        #expect(!SettingsNormalizer.isCanonical(flat))
    }

    @Test func valuesKeepTheirForm() {
        let settings = F.json(#"{"index.number_of_replicas": 1, "index.refresh_interval": "1s", "index.number_of_shards": "2"}"#)
        let normalized = SettingsNormalizer.normalize(settings)
        #expect(normalized["index"]?["number_of_replicas"] == .int(1))
        #expect(normalized["index"]?["number_of_shards"] == .string("2"))
    }

    @Test func flattenListsSortedPrefixedKeys() {
        let flat = SettingsNormalizer.flatten(F.es6Orders["settings"]!)
        #expect(flat.first?.key == "index.analysis.analyzer.autocomplete.char_filter")
        #expect(flat.contains { $0.key == "index.routing.allocation.include._name" && $0.value == .string("hot-node-1") })
        #expect(SettingsNormalizer.flatten(.object([:])).isEmpty)
    }

    @Test func ruleRecordsOnlyWhenTheFormChanged() {
        let (_, unchanged) = F.run(settings: SettingsNormalizationRule.self, F.es6Orders["settings"]!, F.context(F.es6, F.os2))
        #expect(unchanged.transformations.isEmpty)
        let (result, log) = F.run(
            settings: SettingsNormalizationRule.self, F.json(#"{"index.number_of_shards": "1", "index.refresh_interval": "5s"}"#),
            F.context(F.es6, F.os2))
        #expect(result == F.json(#"{"index": {"number_of_shards": "1", "refresh_interval": "5s"}}"#))
        #expect(
            log.transformations.map(\.summary) == [
                "wrote settings `index.number_of_shards`, `index.refresh_interval` in the nested `index` form"
            ])
    }
}

@Suite struct SettingsStripRuleTests {
    typealias F = MetadataFixtures

    @Test func neverCopiedSettingsGo() {
        let (settings, log) = F.run(settings: SettingsStripRule.self, F.es6Orders["settings"]!, F.context(F.es6, F.os2))
        let index = settings["index"]!
        for gone in ["uuid", "creation_date", "provided_name", "version", "blocks"] { #expect(index[gone] == nil, "\(gone)") }
        #expect(index["routing"] == F.json(#"{"allocation": {"total_shards_per_node": "2"}}"#))
        #expect(index["refresh_interval"] == .string("30s"))
        #expect(index["analysis"] != nil)
        #expect(
            log.transformations.map(\.place) == [
                "/settings/index/blocks/read_only_allow_delete", "/settings/index/creation_date", "/settings/index/provided_name",
                "/settings/index/routing/allocation/include/_name", "/settings/index/uuid", "/settings/index/version/created",
            ])
        #expect(log.transformations[3].summary == "removed `index.routing.allocation.include._name` (it names the source's nodes or tiers)")
    }

    @Test func es5MapperDynamicAndVersionUpgraded() {
        let (settings, log) = F.run(settings: SettingsStripRule.self, F.es5Blog["settings"]!, F.context(F.es5, F.os1))
        #expect(settings["index"]?["mapper"] == nil)
        #expect(settings["index"]?["version"] == nil)
        #expect(log.transformations.map(\.rule).allSatisfy { $0 == "settings.strip" })
    }

    @Test func elasticOnlySettingsGoForOpenSearchWithILMReported() {
        let (settings, log) = F.run(settings: SettingsStripRule.self, F.es7Products["settings"]!, F.context(F.es7, F.os2))
        // ILM's rollover alias becomes ISM's, the policy name goes (ISM attaches policies by its ism_template).
        #expect(
            settings
                == F.json(
                    #"{"index": {"number_of_shards": "1", "number_of_replicas": "1", "plugins": {"index_state_management": {"rollover_alias": "products"}}}}"#
                ))
        #expect(log.transformations.filter { $0.rule == "settings.elastic-only" }.count == 2)
        #expect(log.findings.map(\.what) == ["ILM policy `products-policy`"])
        #expect(log.findings[0].impact == .featureLost)
        // An Elasticsearch target keeps them.
        let (kept, _) = F.run(settings: SettingsStripRule.self, F.es7Products["settings"]!, F.context(F.es7, F.es8))
        #expect(kept["index"]?["lifecycle"] != nil)
    }

    @Test func openSearchToOpenSearchOnlyLosesIdentity() {
        let (settings, log) = F.run(settings: SettingsStripRule.self, F.os1Docs["settings"]!, F.context(F.os1, F.os2))
        #expect(settings["index"]?["knn"] == .string("true"))
        #expect(settings["index"]?["analysis"] == F.os1Docs["settings"]?["index"]?["analysis"])
        #expect(
            Set(log.transformations.map(\.place)) == [
                "/settings/index/uuid", "/settings/index/creation_date", "/settings/index/provided_name", "/settings/index/version/created",
            ])
    }
}
