import TernCore
import Testing

@testable import Metadata

@Suite struct TemplateRuleTests {
    typealias F = MetadataFixtures

    @Test func pre6TemplateFieldBecomesIndexPatterns() {
        var item = MetadataItem(kind: .legacyTemplate, name: "logstash", body: F.es5LogstashTemplate)
        var log = RuleLog()
        LegacyTemplatePatternRule.apply(to: &item, context: F.context(F.es5, F.os1), log: &log)
        #expect(item.body["template"] == nil)
        #expect(item.body["index_patterns"] == F.json(#"["logstash-*"]"#))
        #expect(
            log.transformations.map(\.description) == [
                "[template.index-patterns] /index_patterns: moved `template: logstash-*` to `index_patterns`"
            ])
    }

    @Test func es6TemplateNeedsNothing() {
        var item = MetadataItem(kind: .legacyTemplate, name: "filebeat", body: F.es6BeatTemplate)
        var log = RuleLog()
        LegacyTemplatePatternRule.apply(to: &item, context: F.context(F.es6, F.os1), log: &log)
        #expect(item.body == F.es6BeatTemplate)
        #expect(log.transformations.isEmpty)
    }

    @Test func logstash5TemplateEndToEnd() {
        let result = MetadataTransformer(source: F.es5, target: F.os2).transform(
            MetadataItem(kind: .legacyTemplate, name: "logstash", body: F.es5LogstashTemplate))
        let body = result.items[0].item.body
        #expect(body["index_patterns"] == F.json(#"["logstash-*"]"#))
        #expect(body["mappings"]?["_all"] == nil)
        #expect(body["mappings"]?["dynamic_templates"]?.arrayValue?.count == 2)
        #expect(body["mappings"]?["properties"]?["@timestamp"] == F.json(#"{"type": "date"}"#))
        #expect(body["order"] == .int(0))
        #expect(
            result.items[0].transformations.map(\.rule) == [
                "template.index-patterns", "mapping.default-type", "mapping.meta.all", "mapping.include-in-all", "mapping.include-in-all",
            ])
    }

    @Test func composableTemplateLosesElasticOnlyFields() {
        var item = MetadataItem(kind: .indexTemplate, name: "metrics-app", body: F.es8IndexTemplate)
        var log = RuleLog()
        ComposableTemplateRule.apply(to: &item, context: F.context(F.es8, F.os2), log: &log)
        #expect(item.body["allow_auto_create"] == nil)
        #expect(item.body["ignore_missing_component_templates"] == nil)
        // What OpenSearch stores for a stream's template: the timestamp field named.
        #expect(item.body["data_stream"] == F.json(#"{"timestamp_field": {"name": "@timestamp"}}"#))
        #expect(item.body["template"]?["lifecycle"] == nil)
        #expect(item.body["priority"] == .int(300))
        #expect(log.transformations.count == 6)
        #expect(log.findings.map(\.what) == ["optional component templates [app-settings]"])
    }

    @Test func es8TemplateEndToEnd() {
        let result = MetadataTransformer(source: F.es8, target: F.os2).transform(
            MetadataItem(kind: .indexTemplate, name: "metrics-app", body: F.es8IndexTemplate))
        let item = result.items[0]
        // Time series settings are Elastic-only; the mapping parameter `time_series_dimension` is left for the target to judge.
        #expect(item.item.body["template"]?["settings"] == .object([:]))
        #expect(item.transformations.contains { $0.place == "/template/settings/index/mode" })
        #expect(item.isConvertible)
    }

    @Test func openSearchTemplatesPassThrough() {
        let result = MetadataTransformer(source: F.os2, target: F.os3).transform(
            MetadataItem(kind: .indexTemplate, name: "catalog", body: F.os2IndexTemplate))
        #expect(result.items[0].item.body == F.os2IndexTemplate)
        #expect(result.items[0].transformations.isEmpty)
    }

    @Test func es7ComposableAndComponentTemplates() {
        let transformer = MetadataTransformer(source: F.es7, target: F.os2)
        let template = transformer.transform(MetadataItem(kind: .indexTemplate, name: "logs-app", body: F.es7IndexTemplate)).items[0]
        #expect(template.item.body["template"]?["mappings"]?["properties"]?["attributes"] == F.json(#"{"type": "flat_object"}"#))
        #expect(template.item.body["template"]?["settings"] == F.json(#"{"index": {"number_of_replicas": "1"}}"#))
        #expect(template.item.body["data_stream"] == F.json(#"{"timestamp_field": {"name": "@timestamp"}}"#))
        #expect(template.item.body["composed_of"] == F.json(#"["app-mappings", "app-settings"]"#))
        #expect(template.findings.map(\.what) == ["ILM policy `logs`"])
        let component = transformer.transform(MetadataItem(kind: .componentTemplate, name: "app-mappings", body: F.es7ComponentTemplate))
            .items[0]
        #expect(component.item.body == F.es7ComponentTemplate)
        #expect(component.transformations.isEmpty)
    }
}

@Suite struct PipelineProcessorRuleTests {
    typealias F = MetadataFixtures

    @Test func xpackProcessorsAreBlockingWhereverTheyAre() {
        let result = MetadataTransformer(source: F.es8, target: F.os2).transform(
            MetadataItem(kind: .pipeline, name: "orders", body: F.es8Pipeline))
        let item = result.items[0]
        #expect(item.item.body == F.es8Pipeline)
        #expect(!item.isConvertible)
        #expect(
            item.findings.map(\.place) == [
                "/processors/1/enrich", "/processors/2/foreach/processor/inference", "/on_failure/0/set_security_user",
            ])
        #expect(item.findings[0].why == "OpenSearch 2.19.1 has no `enrich` processor")
    }

    @Test func ordinaryPipelinesPass() {
        let pipeline = F.json(#"{"description": "d", "processors": [{"set": {"field": "a", "value": 1}}, {"lowercase": {"field": "b"}}]}"#)
        let result = MetadataTransformer(source: F.es7, target: F.os1).transform(MetadataItem(kind: .pipeline, name: "p", body: pipeline))
        #expect(result.items[0].item.body == pipeline)
        #expect(result.items[0].findings.isEmpty)
        #expect(result.items[0].transformations.isEmpty)
    }
}
