import TernCore
import Testing

@testable import Metadata

@Suite struct DenseVectorRuleTests {
    typealias F = MetadataFixtures

    @Test func es7DenseVectorBecomesKnnVectorWithL2() {
        let (mapping, log) = F.run(DenseVectorRule.self, F.es7Products["mappings"]!, F.context(F.es7, F.os2))
        #expect(
            mapping["properties"]?["embedding"]
                == F.json(#"{"type": "knn_vector", "dimension": 3, "method": {"name": "hnsw", "space_type": "l2"}}"#))
        #expect(log.requiredSettings.map(\.key) == ["index.knn"])
        #expect(
            log.transformations[0].summary == "changed `dense_vector` field `embedding` to `knn_vector` (dimension 3, HNSW, space `l2`)")
    }

    @Test func es8SimilaritiesAndHNSWParameters() {
        let (mapping, log) = F.run(DenseVectorRule.self, F.es8Vectors["mappings"]!, F.context(F.es8, F.os2))
        let properties = mapping["properties"]!
        #expect(
            properties["title_vector"]
                == F.json(
                    #"{"type": "knn_vector", "dimension": 384, "method": {"name": "hnsw", "space_type": "cosinesimil", "parameters": {"m": 16, "ef_construction": 100}}}"#
                ))
        #expect(properties["image_vector"]?["method"]?["space_type"] == .string("innerproduct"))
        #expect(properties["image_vector"]?["method"]?["parameters"] == F.json(#"{"m": 32, "ef_construction": 200}"#))
        #expect(properties["l2_vector"]?["method"] == F.json(#"{"name": "hnsw", "space_type": "l2"}"#))
        #expect(log.transformations.count == 3)
        #expect(log.requiredSettings.count == 1)
    }

    @Test func byteVectorsNeedOpenSearch217() {
        let mapping = F.json(
            #"{"properties": {"v": {"type": "dense_vector", "dims": 8, "element_type": "byte", "similarity": "l2_norm"}}}"#)
        let (converted, _) = F.run(DenseVectorRule.self, mapping, F.context(F.es8, F.os2))
        #expect(converted["properties"]?["v"]?["data_type"] == .string("byte"))
        let (kept, log) = F.run(DenseVectorRule.self, mapping, F.context(F.es8, F.os1))
        #expect(kept == mapping)
        #expect(log.findings.first?.isBlocking == true)
        let bits = F.json(#"{"properties": {"v": {"type": "dense_vector", "dims": 64, "element_type": "bit"}}}"#)
        #expect(F.run(DenseVectorRule.self, bits, F.context(F.es8, F.os2)).1.findings.count == 1)
    }

    @Test func missingDimsIsReported() {
        let (_, log) = F.run(DenseVectorRule.self, F.json(#"{"properties": {"v": {"type": "dense_vector"}}}"#), F.context(F.es8, F.os2))
        #expect(log.findings.map(\.what) == ["`dense_vector` field `v` without `dims`"])
    }

    @Test func elasticsearchTargetKeepsDenseVector() {
        let mapping = F.es7Products["mappings"]!
        #expect(F.run(DenseVectorRule.self, mapping, F.context(F.es7, F.es8)).0 == mapping)
    }

    @Test func transformerSetsIndexKnnOnTheSameItem() {
        let result = MetadataTransformer(source: F.es8, target: F.os2).transform(
            MetadataItem(kind: .index, name: "vectors", body: F.es8Vectors))
        let item = result.items[0]
        #expect(item.item.body["settings"]?["index"]?["knn"] == .bool(true))
        #expect(item.transformations.contains { $0.rule == "mapping.dense-vector" && $0.place == "/settings/index/knn" })
        // A component template gets it in its own template settings.
        let component = MetadataItem(
            kind: .componentTemplate, name: "vectors",
            body: F.json(#"{"template": {"mappings": {"properties": {"v": {"type": "dense_vector", "dims": 2}}}}}"#))
        let transformed = MetadataTransformer(source: F.es8, target: F.os2).transform(component).items[0].item
        #expect(transformed.body["template"]?["settings"] == F.json(#"{"index": {"knn": true}}"#))
    }
}
