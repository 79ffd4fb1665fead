import TernCore
import Testing

@testable import Metadata

/// Whole items through every rule, one source version at a time.
@Suite struct MetadataTransformerTests {
    typealias F = MetadataFixtures

    @Test func elasticsearch5BlogToOpenSearch1() {
        let result = MetadataTransformer(source: F.es5, target: F.os1).transform(MetadataItem(kind: .index, name: "blog", body: F.es5Blog))
        #expect(result.items.count == 1)
        let item = result.items[0]
        #expect(item.isConvertible)
        #expect(item.sourceTypes == ["comment", "post"])
        let expected = F.json(
            """
            {
              "aliases": {"blog-read": {}},
              "mappings": {
                "_routing": {"required": true},
                "properties": {
                  "text": {"type": "text"},
                  "author": {"type": "keyword", "doc_values": true},
                  "published": {"type": "date", "format": "strict_date_optional_time||epoch_millis"},
                  "title": {"type": "text", "analyzer": "english", "fields": {"raw": {"type": "keyword", "ignore_above": 256}}},
                  "body": {"type": "text", "norms": false},
                  "secret": {"type": "keyword", "index": false, "store": true},
                  "user": {"type": "object", "properties": {"name": {"type": "text"}, "id": {"type": "long"}}},
                  "tags": {"type": "nested", "properties": {"label": {"type": "keyword"}}}
                }
              },
              "settings": {
                "index": {
                  "number_of_shards": "5",
                  "number_of_replicas": "1",
                  "analysis": {
                    "filter": {"grams": {"type": "ngram", "min_gram": "2", "max_gram": "3"}},
                    "analyzer": {"partial": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "grams"]}}
                  }
                }
              }
            }
            """)
        #expect(item.item.body == expected)
        #expect(item.findings.map(\.what) == ["parent/child relation to type `post` (`_parent`) in type `comment`"])
        let rules = Set(item.transformations.map(\.rule))
        #expect(
            rules == [
                "mapping.types.union", "mapping.meta.all", "mapping.meta.parent", "mapping.include-in-all", "mapping.string",
                "settings.strip",
                "settings.analysis-rename", "settings.standard-filter",
            ])
        #expect(item.transformations.contains { $0.summary == "changed `string` field `text` to `text` (type `comment`)" })
    }

    @Test func elasticsearch6OrdersToOpenSearch2() {
        let result = MetadataTransformer(source: F.es6, target: F.os2).transform(
            MetadataItem(kind: .index, name: "orders", body: F.es6Orders))
        let item = result.items[0]
        #expect(item.isConvertible)
        #expect(item.item.body["mappings"]?["_field_names"] == nil)
        #expect(item.item.body["mappings"]?["dynamic"] == .string("strict"))
        #expect(item.item.body["aliases"] == F.es6Orders["aliases"])
        #expect(
            item.item.body["settings"]?["index"]?.objectValue?.keys.sorted() == [
                "analysis", "number_of_replicas", "number_of_shards", "refresh_interval", "routing",
            ])
        #expect(item.findings.map(\.rule) == ["mapping.source-filtered"])
    }

    @Test func elasticsearch6BeatTemplateWithDocType() {
        let result = MetadataTransformer(source: F.es6, target: F.os1).transform(
            MetadataItem(kind: .legacyTemplate, name: "filebeat-6.8.23", body: F.es6BeatTemplate))
        let body = result.items[0].item.body
        #expect(body["mappings"]?["_meta"] == F.json(#"{"version": "6.8.23"}"#))
        #expect(body["mappings"]?["properties"]?["host"]?["properties"]?["name"]?["ignore_above"] == .int(1024))
        #expect(body["settings"] == F.es6BeatTemplate["settings"])
        #expect(result.items[0].transformations.map(\.summary) == ["removed type wrapper `doc`"])
    }

    @Test func elasticsearch7ProductsToOpenSearch2() {
        let item = MetadataTransformer(source: F.es7, target: F.os2).transform(
            MetadataItem(kind: .index, name: "products-000001", body: F.es7Products)
        )
        .items[0]
        let expected = F.json(
            """
            {
              "aliases": {"products": {}},
              "mappings": {"properties": {
                "embedding": {"type": "knn_vector", "dimension": 3, "method": {"name": "hnsw", "space_type": "l2"}},
                "labels": {"type": "flat_object"},
                "name": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
                "price": {"type": "float"}
              }},
              "settings": {"index": {"number_of_shards": "1", "number_of_replicas": "1", "knn": true,
                                     "plugins": {"index_state_management": {"rollover_alias": "products"}}}}
            }
            """)
        #expect(item.item.body == expected)
        #expect(item.isConvertible)
        #expect(item.findings.map(\.what) == ["ILM policy `products-policy`"])
    }

    @Test func elasticsearch7ToOpenSearch1BlocksOnFlattened() {
        let item = MetadataTransformer(source: F.es710, target: F.os1).transform(
            MetadataItem(kind: .index, name: "products", body: F.es7Products)
        )
        .items[0]
        #expect(!item.isConvertible)
        #expect(item.findings.filter { $0.isBlocking }.map(\.place) == ["/mappings/properties/labels"])
    }

    @Test func elasticsearch8VectorsToOpenSearch2() {
        let item = MetadataTransformer(source: F.es8, target: F.os2).transform(
            MetadataItem(kind: .index, name: "vectors", body: F.es8Vectors)
        ).items[0]
        let mappings = item.item.body["mappings"]!
        #expect(mappings["_source"] == nil)
        #expect(mappings["runtime"] == nil)
        #expect(mappings["properties"]?["title_vector"]?["type"] == .string("knn_vector"))
        #expect(item.item.body["settings"] == F.json(#"{"index": {"number_of_shards": "1", "number_of_replicas": "1", "knn": true}}"#))
        #expect(item.findings.filter { $0.isBlocking }.map(\.what) == ["field `release` of type `version`"])
    }

    @Test func openSearch1ToOpenSearch2ChangesOnlyWhatMust() {
        let item = MetadataTransformer(source: F.os1, target: F.os2).transform(MetadataItem(kind: .index, name: "docs", body: F.os1Docs))
            .items[0]
        #expect(item.item.body["mappings"] == F.os1Docs["mappings"])
        #expect(item.item.body["aliases"] == F.os1Docs["aliases"])
        #expect(item.transformations.allSatisfy { $0.rule == "settings.strip" })
        #expect(item.transformations.count == 4)
        #expect(item.findings.isEmpty)
        var expectedSettings = F.os1Docs["settings"]!
        for key in ["uuid", "creation_date", "provided_name", "version"] {
            expectedSettings.removeValue(atPointer: JSONPointer(tokens: ["index", key]))
        }
        #expect(item.item.body["settings"] == expectedSettings)
    }

    @Test func openSearch2ToOpenSearch3KeepsFlatObject() {
        let item = MetadataTransformer(source: F.os2, target: F.os3).transform(
            MetadataItem(kind: .index, name: "catalog", body: F.os2Catalog)
        ).items[0]
        #expect(item.item.body["mappings"] == F.os2Catalog["mappings"])
        #expect(
            item.item.body["settings"]
                == F.json(#"{"index": {"replication": {"type": "DOCUMENT"}, "number_of_shards": "1", "number_of_replicas": "2"}}"#))
    }

    @Test func renamedTargetAndAwarenessZones() {
        let transformer = MetadataTransformer(source: F.os2, target: F.os3, options: TransformOptions(awarenessZones: 2))
        let result = transformer.transform(MetadataItem(kind: .index, name: "catalog", body: F.os2Catalog), targetName: "catalog-v2")
        #expect(result.source.name == "catalog")
        #expect(result.items[0].item.name == "catalog-v2")
        #expect(result.items[0].item.body["settings"]?["index"]?["number_of_replicas"] == .string("3"))
    }

    @Test func itemsWithoutSettingsOrMappings() {
        let transformer = MetadataTransformer(source: F.es7, target: F.os2)
        let bare = MetadataItem(kind: .index, name: "bare", body: F.json(#"{"aliases": {}}"#))
        #expect(transformer.transform(bare).items[0].item == bare)
        let component = MetadataItem(
            kind: .componentTemplate, name: "settings-only", body: F.json(#"{"template": {"settings": {"number_of_shards": 2}}}"#))
        let transformed = transformer.transform(component).items[0]
        #expect(transformed.item.body == F.json(#"{"template": {"settings": {"index": {"number_of_shards": 2}}}}"#))
        #expect(transformed.transformations.map(\.rule) == ["settings.normalize"])
    }
}
