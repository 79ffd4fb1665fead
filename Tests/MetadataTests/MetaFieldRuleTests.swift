import TernCore
import Testing

@testable import Metadata

@Suite struct MetaFieldRuleTests {
    typealias F = MetadataFixtures

    @Test func removesAllParentAndIncludeInAllFromAnES5Type() {
        let post = F.es5Blog["mappings"]!["comment"]!
        let (mapping, log) = F.run(MetaFieldRule.self, post, F.context(F.es5, F.os1))
        #expect(mapping["_all"] == nil)
        #expect(mapping["_parent"] == nil)
        #expect(mapping["_routing"] == F.json(#"{"required": true}"#))
        #expect(mapping["properties"]?["author"] == F.json(#"{"type": "string", "index": "not_analyzed", "doc_values": true}"#))
        #expect(
            log.transformations.map(\.description) == [
                "[mapping.meta.all] /mappings/_all: removed `_all` (it was disabled, and the target has no `_all` field)",
                "[mapping.meta.parent] /mappings/_parent: removed `_parent` (parent type `post`)",
                "[mapping.include-in-all] /mappings/properties/author/include_in_all: removed `include_in_all` from field `author` (`_all` no longer exists)",
            ])
        #expect(log.findings.count == 1)
        #expect(log.findings[0].impact == .featureLost)
        #expect(log.findings[0].what == "parent/child relation to type `post` (`_parent`)")
        #expect(!log.findings[0].isBlocking)
    }

    @Test func enabledAllSuggestsCopyTo() {
        let (_, log) = F.run(MetaFieldRule.self, F.json(#"{"_all": {"enabled": true}, "properties": {}}"#), F.context(F.es6, F.os2))
        #expect(log.transformations[0].summary.contains("copy_to"))
    }

    @Test func removesFieldNamesTimestampAndTTL() {
        let mapping = F.json(
            #"{"_field_names": {"enabled": false}, "_timestamp": {"enabled": true}, "_ttl": {"enabled": true, "default": "1d"}}"#)
        let (result, log) = F.run(MetaFieldRule.self, mapping, F.context(F.es5, F.os2))
        #expect(result == .object([:]))
        #expect(log.transformations.map(\.rule) == ["mapping.meta.field-names", "mapping.meta.timestamp", "mapping.meta.ttl"])
        #expect(log.transformations[2].summary.contains("ISM"))
    }

    @Test func includeInAllInsideNestedObjectsAndMultiFields() {
        let mapping = F.json(
            """
            {"properties": {"user": {"type": "nested", "include_in_all": true, "properties": {"name": {"type": "text", "include_in_all": false,
             "fields": {"raw": {"type": "keyword", "include_in_all": false}}}}}}}
            """)
        let (result, log) = F.run(MetaFieldRule.self, mapping, F.context(F.es5, F.os2))
        #expect(
            result
                == F.json(
                    #"{"properties": {"user": {"type": "nested", "properties": {"name": {"type": "text", "fields": {"raw": {"type": "keyword"}}}}}}}"#
                ))
        #expect(
            log.transformations.map(\.place) == [
                "/mappings/properties/user/include_in_all", "/mappings/properties/user/properties/name/include_in_all",
                "/mappings/properties/user/properties/name/fields/raw/include_in_all",
            ])
        #expect(log.transformations[2].summary.contains("`user.name.raw`"))
    }

    @Test func runtimeFieldsAreRemovedAndReported() {
        let (result, log) = F.run(MetaFieldRule.self, F.es8Vectors["mappings"]!, F.context(F.es8, F.os2))
        #expect(result["runtime"] == nil)
        #expect(log.findings.map(\.what) == ["runtime fields `day_of_week`"])
        #expect(log.findings[0].impact == .featureLost)
    }

    @Test func nothingToDoForATypelessModernMapping() {
        let mapping = F.os1Docs["mappings"]!
        let (result, log) = F.run(MetaFieldRule.self, mapping, F.context(F.os1, F.os2))
        #expect(result == mapping)
        #expect(log == RuleLog())
    }
}
