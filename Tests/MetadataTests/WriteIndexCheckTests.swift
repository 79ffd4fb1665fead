import TernCore
import Testing

@testable import Metadata

@Suite struct WriteIndexCheckTests {
    static func index(_ name: String, aliases: [String: JSONValue]) -> MetadataItem {
        MetadataItem(
            kind: .index, name: name, body: .object(["settings": .object([:]), "mappings": .object([:]), "aliases": .object(aliases)]))
    }

    @Test func aRolloverAliasKeepsItsOneWriteIndex() {
        let rolled = [
            Self.index("logs-000001", aliases: ["logs": .object(["is_write_index": .bool(false)])]),
            Self.index("logs-000002", aliases: ["logs": .object(["is_write_index": .bool(true)])]),
            Self.index("orders", aliases: ["shop": .object([:])]),
        ]
        #expect(WriteIndexCheck.problems(rolled).isEmpty)
    }

    @Test func aWriteIndexLeftOutOrDoubledIsNamed() {
        // The source's write index (logs-000003) was excluded: the two migrated ones both say false.
        let leftOut = [
            Self.index("logs-000001", aliases: ["logs": .object(["is_write_index": .bool(false)])]),
            Self.index("logs-000002", aliases: ["logs": .object(["is_write_index": .bool(false)])]),
        ]
        let problems = WriteIndexCheck.problems(leftOut)
        #expect(problems.count == 1 && problems[0].contains("none is its write index") && problems[0].contains("logs-000001, logs-000002"))
        // Two sources renamed into one target name space, each with its write index.
        let doubled = [
            Self.index("a-logs-000002", aliases: ["logs": .object(["is_write_index": .bool(true)])]),
            Self.index("b-logs-000002", aliases: ["logs": .object(["is_write_index": .bool(true)])]),
        ]
        #expect(WriteIndexCheck.problems(doubled).first?.contains("2 write indices") == true)
        // A plain alias over several indices (no rollover) is not a problem.
        let plain = [Self.index("a", aliases: ["all": .object([:])]), Self.index("b", aliases: ["all": .object([:])])]
        #expect(WriteIndexCheck.problems(plain).isEmpty)
    }
}
