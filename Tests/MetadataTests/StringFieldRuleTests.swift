import TernCore
import Testing

@testable import Metadata

@Suite struct StringFieldRuleTests {
    typealias F = MetadataFixtures

    @Test func convertsEveryStringOfAnES5IndexCreatedIn2() {
        let post = F.es5Blog["mappings"]!["post"]!
        let (mapping, log) = F.run(StringFieldRule.self, post, F.context(F.es5, F.os1))
        let properties = mapping["properties"]!
        // analyzed -> text; its not_analyzed multi-field -> keyword keeping ignore_above.
        #expect(
            properties["title"]
                == F.json(#"{"type": "text", "analyzer": "english", "fields": {"raw": {"type": "keyword", "ignore_above": 256}}}"#))
        // not_analyzed -> keyword, index parameter gone.
        #expect(properties["author"] == F.json(#"{"type": "keyword", "doc_values": true, "include_in_all": false}"#))
        // text: doc_values removed, norms.enabled -> norms, fielddata object removed.
        #expect(properties["body"] == F.json(#"{"type": "text", "norms": false}"#))
        // index: no -> keyword with index false; store yes -> true.
        #expect(properties["secret"] == F.json(#"{"type": "keyword", "index": false, "store": true}"#))
        // Inside object and nested fields too; null_value removed from text; analyzer removed from keyword.
        #expect(properties["user"]?["properties"]?["name"] == F.json(#"{"type": "text"}"#))
        #expect(properties["tags"]?["properties"]?["label"] == F.json(#"{"type": "keyword"}"#))
        #expect(properties["published"]?["type"] == .string("date"))
        #expect(log.transformations.count == 7)
        #expect(
            log.transformations.first { $0.place == "/mappings/properties/body" }?.summary
                == "changed `string` field `body` to `text` (`norms.enabled` -> `norms: false`; removed `doc_values`, `fielddata`)")
        #expect(
            log.transformations.first { $0.place == "/mappings/properties/secret" }?.summary
                == "changed `string` field `secret` to `keyword` (`index: no` -> `index: false`; `store: yes` -> `true`)")
        #expect(log.transformations.contains { $0.place == "/mappings/properties/title/fields/raw" && $0.summary.contains("`title.raw`") })
    }

    @Test func convertsStringsInDynamicTemplates() {
        let mapping = F.es5StringTemplate["mappings"]!["event"]!
        let (result, log) = F.run(StringFieldRule.self, mapping, F.context(F.es5, F.os2))
        #expect(result["dynamic_templates"]?[0]?["strings"]?["mapping"] == F.json(#"{"type": "keyword"}"#))
        #expect(result["dynamic_templates"]?[0]?["strings"]?["match_mapping_type"] == .string("string"))
        #expect(log.transformations.map(\.place) == ["/mappings/properties/message", "/mappings/dynamic_templates/0/strings/mapping"])
        #expect(log.transformations[1].summary == "changed `string` in dynamic template `strings` to `keyword`")
    }

    @Test func falseIndexAndAnalyzedIndex() {
        var definition: [String: JSONValue] = ["type": .string("string"), "index": .bool(false), "position_increment_gap": .int(100)]
        #expect(StringFieldRule.convert(&definition) == "`keyword` (removed `position_increment_gap`)")
        #expect(definition == ["type": .string("keyword"), "index": .bool(false)])
        var analyzed: [String: JSONValue] = [
            "type": .string("string"), "index": .string("analyzed"), "ignore_above": .int(10), "fielddata": .bool(true),
        ]
        #expect(StringFieldRule.convert(&analyzed) == "`text` (removed `ignore_above`)")
        #expect(analyzed == ["type": .string("text"), "fielddata": .bool(true)])
    }

    @Test func leavesTextAndKeywordAlone() {
        let mapping = F.es5LogstashTemplate["mappings"]!["_default_"]!
        let (result, log) = F.run(StringFieldRule.self, mapping, F.context(F.es5, F.os2))
        #expect(result == mapping)
        #expect(log.transformations.isEmpty)
    }
}
