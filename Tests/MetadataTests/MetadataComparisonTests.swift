import TernCore
import Testing

@testable import Metadata

@Suite struct MetadataComparisonTests {
    typealias F = MetadataFixtures

    @Test func createdIndexReadBackIsIdentical() {
        let desired = MetadataTransformer(source: F.es6, target: F.os2).transform(
            MetadataItem(kind: .index, name: "orders", body: F.es6Orders)
        )
        .items[0].item
        // What OpenSearch 2 returns for the created index: its own identity, numbers as strings, replication type.
        var existing = desired.body
        try! existing.setValue(.string("bmV3LXV1aWQ"), atPointer: F.pointer("/settings/index/uuid"))
        try! existing.setValue(.string("1720000000000"), atPointer: F.pointer("/settings/index/creation_date"))
        try! existing.setValue(.string("orders"), atPointer: F.pointer("/settings/index/provided_name"))
        try! existing.setValue(.string("136387827"), atPointer: F.pointer("/settings/index/version/created"))
        try! existing.setValue(.string("DOCUMENT"), atPointer: F.pointer("/settings/index/replication/type"))
        #expect(MetadataComparison.compare(desired, existing: existing) == .identical)
    }

    /// An OpenSearch 2+ source reports `index.replication.type` and the item carries it: the target's value then counts.
    @Test func targetAddedSettingCountsWhenTheItemSetsIt() {
        let desired = MetadataItem(
            kind: .index, name: "a",
            body: F.json(#"{"settings": {"index": {"number_of_shards": "1", "replication": {"type": "DOCUMENT"}}}}"#))
        let same = F.json(#"{"settings": {"index": {"number_of_shards": "1", "replication": {"type": "DOCUMENT"}, "uuid": "x"}}}"#)
        #expect(MetadataComparison.compare(desired, existing: same) == .identical)
        let other = F.json(#"{"settings": {"index": {"number_of_shards": "1", "replication": {"type": "SEGMENT"}}}}"#)
        #expect(MetadataComparison.compare(desired, existing: other) == .different(["/settings/index/replication/type"]))
    }

    @Test func numbersAsStringsAndFlatFormsAreEqualInSettings() {
        let desired = MetadataItem(
            kind: .index, name: "a", body: F.json(#"{"settings": {"index": {"number_of_replicas": 1, "hidden": true}}}"#))
        let existing = F.json(#"{"settings": {"index.number_of_replicas": "1", "index.hidden": "true"}, "mappings": {}, "aliases": {}}"#)
        #expect(MetadataComparison.compare(desired, existing: existing) == .identical)
    }

    @Test func differencesAreListedAsPointers() {
        let desired = MetadataItem(
            kind: .index, name: "a",
            body: F.json(
                #"{"settings": {"index": {"number_of_shards": "3"}}, "mappings": {"properties": {"a": {"type": "keyword"}, "b": {"type": "long"}}}, "aliases": {"cur": {}}}"#
            ))
        let existing = F.json(
            #"{"settings": {"index": {"number_of_shards": "1"}}, "mappings": {"properties": {"a": {"type": "text"}}}, "aliases": {}}"#)
        #expect(
            MetadataComparison.compare(desired, existing: existing)
                == .different(["/aliases", "/mappings/properties/a/type", "/mappings/properties/b", "/settings/index/number_of_shards"]))
    }

    @Test func aliasEntriesCount() {
        let desired = MetadataItem(kind: .index, name: "a", body: F.json(#"{"aliases": {"cur": {}, "old": {}}}"#))
        #expect(MetadataComparison.compare(desired, existing: F.json(#"{"aliases": {"cur": {}}}"#)) == .different(["/aliases/old"]))
    }

    @Test func legacyTemplateOrderDefaultsToZero() {
        let desired = MetadataItem(
            kind: .legacyTemplate, name: "t", body: F.json(#"{"index_patterns": ["t-*"], "settings": {"number_of_shards": 1}}"#))
        let existing = F.json(
            #"{"order": 0, "index_patterns": ["t-*"], "settings": {"index": {"number_of_shards": "1"}}, "mappings": {}, "aliases": {}}"#)
        #expect(MetadataComparison.compare(desired, existing: existing) == .identical)
        let reordered = F.json(#"{"order": 5, "index_patterns": ["t-*"], "settings": {"index": {"number_of_shards": "1"}}}"#)
        #expect(MetadataComparison.compare(desired, existing: reordered) == .different(["/order"]))
    }

    @Test func composableTemplatesCompareTheirTemplateSettings() {
        let desired = MetadataItem(kind: .indexTemplate, name: "catalog", body: F.os2IndexTemplate)
        var existing = F.os2IndexTemplate
        try! existing.setValue(.int(1), atPointer: F.pointer("/template/settings/index/number_of_shards"))
        #expect(MetadataComparison.compare(desired, existing: existing) == .identical)
        try! existing.setValue(.string("x-*"), atPointer: F.pointer("/index_patterns/0"))
        #expect(MetadataComparison.compare(desired, existing: existing) == .different(["/index_patterns"]))
    }
}

@Suite struct MetadataEvaluatorTests {
    typealias F = MetadataFixtures

    @Test func statusesForEachItem() {
        let transformer = MetadataTransformer(source: F.es7, target: F.os2)
        let results = transformer.transform([
            MetadataItem(kind: .index, name: "products-000001", body: F.es7Products),
            MetadataItem(kind: .indexTemplate, name: "logs-app", body: F.es7IndexTemplate),
            MetadataItem(kind: .componentTemplate, name: "app-mappings", body: F.es7ComponentTemplate),
            MetadataItem(kind: .pipeline, name: "orders", body: F.es8Pipeline),
        ])
        let identicalComponent = results[2].items[0].item.body
        var differentTemplate = results[1].items[0].item.body
        try! differentTemplate.setValue(.int(1), atPointer: F.pointer("/priority"))
        let evaluations = MetadataEvaluator.evaluate(
            results,
            existing: [
                MetadataKey(.componentTemplate, "app-mappings"): identicalComponent,
                MetadataKey(.indexTemplate, "logs-app"): differentTemplate,
            ])
        #expect(evaluations.map(\.status) == [.create, .different(pointers: ["/priority"]), .identical, .cannotConvert])
        #expect(evaluations.map(\.status.name.rawValue) == ["create", "different", "identical", "cannot-convert"])
    }

    @Test func conflictsOnNames() {
        let transformer = MetadataTransformer(
            source: F.es5, target: F.os1,
            options: TransformOptions(multiTypePolicy: .split(namePattern: MultiTypePolicy.defaultSplitPattern)))
        let results = transformer.transform([
            MetadataItem(kind: .index, name: "twitter", body: F.es5Twitter),
            MetadataItem(kind: .index, name: "twitter_user", body: F.json(#"{"mappings": {}}"#)),
            MetadataItem(kind: .index, name: "blog-read", body: F.json(#"{"mappings": {}}"#)),
            MetadataItem(kind: .index, name: "products", body: F.json(#"{"mappings": {}}"#)),
        ])
        let evaluations = MetadataEvaluator.evaluate(results, existing: [:], targetAliases: ["products"])
        #expect(evaluations.map(\.transformed.item.name) == ["twitter_tweet", "twitter_user", "twitter_user", "blog-read", "products"])
        #expect(evaluations[0].status == .create)
        #expect(
            evaluations[1].status == .conflict(reason: "index twitter_user would be made from twitter and twitter_user; rename one of them")
        )
        #expect(evaluations[2].status == evaluations[1].status)
        #expect(evaluations[4].status == .conflict(reason: "the target has an alias named products; rename the index or remove the alias"))

        let blog = MetadataTransformer(source: F.es5, target: F.os1).transform(MetadataItem(kind: .index, name: "blog", body: F.es5Blog))
        let aliasClash = MetadataEvaluator.evaluate([blog], existing: [MetadataKey(.index, "blog-read"): .object([:])])
        #expect(aliasClash[0].status == .conflict(reason: "alias blog-read of index blog is also the name of an index; rename one of them"))
    }

    @Test func nothingLeftIsStillListed() {
        let transformer = MetadataTransformer(source: F.es5, target: F.os1, options: TransformOptions(multiTypePolicy: .drop(keeping: [])))
        let evaluations = MetadataEvaluator.evaluate(
            [transformer.transform(MetadataItem(kind: .index, name: "twitter", body: F.es5Twitter))], existing: [:])
        #expect(evaluations.count == 1)
        #expect(evaluations[0].status == .cannotConvert)
        #expect(evaluations[0].transformed.findings.count == 1)
    }
}
