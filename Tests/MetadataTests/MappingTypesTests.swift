import TernCore
import Testing

@testable import Metadata

@Suite struct MappingTypesTests {
    typealias F = MetadataFixtures

    @Test func recognisesTypeWrappersOfEveryShape() {
        #expect(MappingTypes.isTyped(F.es6Orders["mappings"]!))
        #expect(MappingTypes.isTyped(F.es5Blog["mappings"]!))
        #expect(MappingTypes.isTyped(F.es7TypedResponse["mappings"]!))
        #expect(MappingTypes.isTyped(F.es5LogstashTemplate["mappings"]!))
        #expect(!MappingTypes.isTyped(F.es7Products["mappings"]!))
        #expect(!MappingTypes.isTyped(F.json("{}")))
        #expect(!MappingTypes.isTyped(F.json(#"{"dynamic": "strict"}"#)))
        #expect(!MappingTypes.isTyped(F.json(#"{"_source": {"enabled": false}, "_routing": {"required": true}}"#)))
        // A typeless mapping whose only key is a meta field object is not a type.
        #expect(!MappingTypes.isTyped(F.json(#"{"_meta": {"v": 1}}"#)))
    }

    @Test func stripsTheSingleTypeWrapper() {
        let transformer = MetadataTransformer(source: F.es6, target: F.os2)
        let result = transformer.transform(MetadataItem(kind: .index, name: "orders", body: F.es6Orders))
        let item = result.items[0]
        #expect(item.item.body["mappings"]?["properties"]?["customer"] == F.json(#"{"type": "keyword"}"#))
        #expect(item.item.body["mappings"]?["_doc"] == nil)
        #expect(item.sourceTypes == ["_doc"])
        #expect(
            item.transformations.contains(
                Transformation(rule: "mapping.strip-type", place: "/mappings/_doc", summary: "removed type wrapper `_doc`")))
    }

    @Test func includeTypeNameShapesGiveTheSameMapping() {
        let transformer = MetadataTransformer(source: F.es710, target: F.os1)
        let typed = transformer.transform(MetadataItem(kind: .index, name: "names", body: F.es7TypedResponse)).items[0].item
        var typeless = F.es7TypedResponse
        try! typeless.setValue(F.json(#"{"properties": {"name": {"type": "text"}}}"#), atPointer: F.pointer("/mappings"))
        let plain = transformer.transform(MetadataItem(kind: .index, name: "names", body: typeless)).items[0].item
        #expect(typed == plain)
    }

    @Test func unionReportsConflictsPrecisely() {
        let transformer = MetadataTransformer(source: F.es5, target: F.os1)
        let result = transformer.transform(MetadataItem(kind: .index, name: "twitter", body: F.es5Twitter))
        #expect(result.items.count == 1)
        let item = result.items[0]
        #expect(!item.isConvertible)
        #expect(item.sourceTypes == ["tweet", "user"])
        let messages = item.findings.map(\.what).sorted()
        #expect(
            messages == [
                #"field "id": long in type tweet vs keyword in type user"#,
                #"field "location.city": text in type tweet vs keyword in type user"#,
            ])
        #expect(item.findings.map(\.place).sorted() == ["/mappings/properties/id", "/mappings/properties/location/properties/city"])
        // Identical and complementary definitions merge; the first type's definition is kept on a conflict.
        let properties = item.item.body["mappings"]?["properties"]
        #expect(properties?["name"] == F.json(#"{"type": "text"}"#))
        #expect(properties?["message"]?["analyzer"] == .string("english"))
        #expect(properties?["location"]?["properties"]?["country"] == F.json(#"{"type": "keyword"}"#))
        #expect(properties?["id"] == F.json(#"{"type": "long"}"#))
        #expect(item.transformations.contains { $0.rule == "mapping.types.union" && $0.summary.hasPrefix("merged types `tweet`, `user`") })
    }

    @Test func unionOfParameterDifferenceNamesTheParameter() {
        let mappings = F.json(
            #"{"a": {"properties": {"t": {"type": "text", "analyzer": "english"}}}, "b": {"properties": {"t": {"type": "text"}}}}"#)
        let (_, conflicts) = MappingUnion.union(
            mappings.objectValue!.keys.sorted().map { MappingTypes.TypedMapping(type: $0, mapping: mappings[$0]!) })
        #expect(conflicts.map(\.message) == [#"field "t": analyzer english in type a vs unset in type b"#])
    }

    @Test func unionMergesMultiFieldsAndDynamicTemplates() {
        let mappings = F.json(
            """
            {"a": {"dynamic": "strict", "dynamic_templates": [{"s": {"match": "*_s", "mapping": {"type": "keyword"}}}],
                   "properties": {"t": {"type": "text", "fields": {"raw": {"type": "keyword"}}}}},
             "b": {"dynamic": "false", "dynamic_templates": [{"s": {"match": "*_s", "mapping": {"type": "text"}}}, {"n": {"match": "*_n", "mapping": {"type": "long"}}}],
                   "properties": {"t": {"type": "text", "fields": {"en": {"type": "text", "analyzer": "english"}}}}}}
            """)
        let (merged, conflicts) = MappingUnion.union(
            ["a", "b"].map { MappingTypes.TypedMapping(type: $0, mapping: mappings[$0]!) })
        #expect(merged["properties"]?["t"]?["fields"]?.objectValue?.keys.sorted() == ["en", "raw"])
        #expect(merged["dynamic_templates"]?.arrayValue?.count == 2)
        #expect(
            conflicts.map(\.message).sorted() == [
                "`dynamic`: strict in type a vs false in type b",
                #"dynamic template "s": {mapping: {type: keyword}, match: *_s} in type a vs {mapping: {type: text}, match: *_s} in type b"#,
            ])
    }

    @Test func splitMakesOneIndexPerType() {
        let options = TransformOptions(multiTypePolicy: .split(namePattern: MultiTypePolicy.defaultSplitPattern))
        let transformer = MetadataTransformer(source: F.es5, target: F.os1, options: options)
        let result = transformer.transform(MetadataItem(kind: .index, name: "twitter", body: F.es5Twitter))
        #expect(result.items.map(\.item.name) == ["twitter_tweet", "twitter_user"])
        #expect(result.items.map(\.sourceTypes) == [["tweet"], ["user"]])
        #expect(result.items.allSatisfy { $0.isConvertible })
        #expect(result.items[0].item.body["mappings"]?["properties"]?["id"] == F.json(#"{"type": "long"}"#))
        #expect(result.items[1].item.body["mappings"]?["properties"]?["id"] == F.json(#"{"type": "keyword"}"#))
        #expect(result.items[1].transformations[0].summary == "split type `user` into index `twitter_user`")
        // Settings are carried to each.
        #expect(result.items.allSatisfy { $0.item.body["settings"]?["index"]?["number_of_shards"] == .string("5") })

        let custom = MetadataTransformer(
            source: F.es5, target: F.os1, options: TransformOptions(multiTypePolicy: .split(namePattern: "{type}-of-{index}")))
        #expect(
            custom.transform(MetadataItem(kind: .index, name: "twitter", body: F.es5Twitter)).items.map(\.item.name) == [
                "tweet-of-twitter", "user-of-twitter",
            ])
    }

    @Test func dropKeepsTheNamedTypes() {
        let transformer = MetadataTransformer(
            source: F.es5, target: F.os1, options: TransformOptions(multiTypePolicy: .drop(keeping: ["tweet"])))
        let result = transformer.transform(MetadataItem(kind: .index, name: "twitter", body: F.es5Twitter))
        #expect(result.items.count == 1)
        let item = result.items[0]
        #expect(item.isConvertible)
        #expect(item.sourceTypes == ["tweet"])
        #expect(item.item.body["mappings"]?["properties"]?["id"] == F.json(#"{"type": "long"}"#))
        #expect(item.transformations.map(\.summary).prefix(2) == ["dropped type `user` and its documents", "removed type wrapper `tweet`"])

        let none = MetadataTransformer(source: F.es5, target: F.os1, options: TransformOptions(multiTypePolicy: .drop(keeping: ["other"])))
        let dropped = none.transform(MetadataItem(kind: .index, name: "twitter", body: F.es5Twitter))
        #expect(dropped.items.isEmpty)
        #expect(dropped.findings.count == 1)
        #expect(dropped.findings[0].what == "index twitter has types `tweet`, `user` and none of them is kept")
        #expect(dropped.findings[0].isBlocking)
    }

    @Test func defaultMappingOfAnIndexIsDropped() {
        let body = F.json(#"{"mappings": {"_default_": {"_all": {"enabled": false}}, "doc": {"properties": {"a": {"type": "keyword"}}}}}"#)
        let result = MetadataTransformer(source: F.es5, target: F.os1).transform(MetadataItem(kind: .index, name: "x", body: body))
        #expect(result.items[0].item.body["mappings"] == F.json(#"{"properties": {"a": {"type": "keyword"}}}"#))
        #expect(result.items[0].transformations.first?.summary == "removed `_default_` (its content is already part of each type)")
    }

    @Test func defaultMappingOfATemplateIsLaidUnderItsTypes() {
        let result = MetadataTransformer(source: F.es5, target: F.os2).transform(
            MetadataItem(kind: .legacyTemplate, name: "events", body: F.es5StringTemplate))
        let mappings = result.items[0].item.body["mappings"]
        // `_all` came from `_default_` and was then removed; the type's own content stays.
        #expect(mappings?["_all"] == nil)
        #expect(mappings?["properties"]?["message"]?["type"] == .string("text"))
        #expect(result.items[0].transformations.map(\.rule).contains("mapping.default-type"))
    }

    @Test func emptyMappingsStayEmpty() {
        let body = F.json(#"{"mappings": {}, "settings": {"index": {"number_of_shards": "1"}}, "aliases": {}}"#)
        let result = MetadataTransformer(source: F.es5, target: F.os2).transform(MetadataItem(kind: .index, name: "empty", body: body))
        #expect(result.items[0].item.body == body)
        #expect(result.items[0].transformations.isEmpty)
        let typedEmpty = F.json(#"{"mappings": {"doc": {}}}"#)
        let stripped = MetadataTransformer(source: F.es6, target: F.os2).transform(MetadataItem(kind: .index, name: "e", body: typedEmpty))
        #expect(stripped.items[0].item.body["mappings"] == .object([:]))
    }
}
