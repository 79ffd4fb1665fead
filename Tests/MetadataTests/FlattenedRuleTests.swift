import TernCore
import Testing

@testable import Metadata

@Suite struct FlattenedRuleTests {
    typealias F = MetadataFixtures

    @Test func becomesFlatObjectOnOpenSearch27AndLater() {
        let (mapping, log) = F.run(FlattenedRule.self, F.es7Products["mappings"]!, F.context(F.es7, F.os2))
        #expect(mapping["properties"]?["labels"] == F.json(#"{"type": "flat_object"}"#))
        #expect(
            log.transformations.map(\.summary) == ["changed `flattened` field `labels` to `flat_object` (removed `depth_limit`, `index`)"])
        #expect(log.findings.isEmpty)
    }

    @Test func olderOpenSearchCannotTakeIt() {
        for target in [F.os1, F.os26] {
            let (mapping, log) = F.run(FlattenedRule.self, F.es7Products["mappings"]!, F.context(F.es7, target))
            #expect(mapping == F.es7Products["mappings"]!)
            #expect(log.findings.count == 1)
            #expect(log.findings[0].isBlocking)
            #expect(log.findings[0].place == "/mappings/properties/labels")
            #expect(log.findings[0].why.contains("OpenSearch 2.7"))
        }
    }

    @Test func flatObjectFromOpenSearchIsLeftAlone() {
        let mapping = F.os2Catalog["mappings"]!
        let (result, log) = F.run(FlattenedRule.self, mapping, F.context(F.os2, F.os3))
        #expect(result == mapping)
        #expect(log.transformations.isEmpty)
    }
}
