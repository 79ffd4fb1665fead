import TernCore
import Testing

@testable import Metadata

@Suite struct FieldTypeSupportRuleTests {
    typealias F = MetadataFixtures

    @Test func elasticOnlyTypesAreBlocking() {
        let (mapping, log) = F.run(FieldTypeSupportRule.self, F.es8Vectors["mappings"]!, F.context(F.es8, F.os2))
        #expect(mapping == F.es8Vectors["mappings"]!)
        // 2.19 has match_only_text and constant_keyword; no OpenSearch has `version`.
        #expect(log.findings.map(\.what) == ["field `release` of type `version`"])
        let (_, older) = F.run(FieldTypeSupportRule.self, F.es8Vectors["mappings"]!, F.context(F.es8, F.os1))
        #expect(
            older.findings.map(\.what) == [
                "field `release` of type `version`", "field `tenant` of type `constant_keyword`", "field `title` of type `match_only_text`",
            ])
        #expect(older.findings[2].why == "`match_only_text` arrived in OpenSearch 2.12 and the target runs 1.3.19")
    }
}

@Suite struct SourceFieldRuleTests {
    typealias F = MetadataFixtures

    @Test func disabledSourceMeansNoDocuments() {
        let mapping = F.json(#"{"_source": {"enabled": false}, "properties": {"m": {"type": "long"}}}"#)
        let (result, log) = F.run(SourceFieldRule.self, mapping, F.context(F.es6, F.os2))
        #expect(result == mapping)
        #expect(log.findings.map(\.impact) == [.documentsNotCopied])
        #expect(log.findings[0].place == "/mappings/_source")
        #expect(!log.findings[0].isBlocking)
    }

    @Test func filteredSourceIsReported() {
        let (_, log) = F.run(SourceFieldRule.self, F.es6Orders["mappings"]!["_doc"]!, F.context(F.es6, F.os2))
        #expect(log.findings.map(\.what) == ["`_source` excludes"])
        #expect(log.findings[0].impact == .featureLost)
    }

    @Test func syntheticSourceModeIsRemoved() {
        let (result, log) = F.run(SourceFieldRule.self, F.es8Vectors["mappings"]!, F.context(F.es8, F.os2))
        #expect(result["_source"] == nil)
        #expect(log.transformations.map(\.rule) == ["mapping.source-mode"])
    }
}
