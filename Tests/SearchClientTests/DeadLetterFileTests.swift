import Foundation
import TernCore
import Testing

@testable import SearchClient

/// Dead-letter lines: valid ndjson whatever the document held, the file only when something failed.
@Suite struct DeadLetterFileTests {
    @Test func writesOneJSONLinePerFailureAndOnlyWhenThereIsOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-dlq-\(UUID().uuidString)/nested")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let file = DeadLetterFile(url: folder.appendingPathComponent("failed.ndjson"))
        try file.close()
        #expect(!FileManager.default.fileExists(atPath: file.url.path))

        let again = DeadLetterFile(url: folder.appendingPathComponent("failed.ndjson"))
        let pretty = Document(index: "i\"x", id: "1\n2", routing: "r", source: Array("{\n  \"a\": [1,\n 2]\n}".utf8))
        let broken = Document(index: "i", id: "2", source: Array("{\"a\":\u{01}".utf8))
        try again.append(
            FailedDocument(document: pretty, status: 400, errorType: "mapper_parsing_exception", reason: "failed to parse \"a\""))
        try again.append(FailedDocument(document: broken, status: 429, errorType: "es_rejected_execution_exception", reason: "gave up"))
        #expect(again.count == 2)
        try again.close()
        try again.close()
        #expect(throws: TernError.self) {
            try again.append(FailedDocument(document: broken, status: 400, errorType: "x", reason: "y"))
        }

        let lines = try String(contentsOf: again.url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSONValue.parse(Array(lines[0].utf8))
        #expect(first["_index"]?.stringValue == "i\"x" && first["_id"]?.stringValue == "1\n2" && first["_routing"]?.stringValue == "r")
        #expect(first["status"]?.intValue == 400 && first["error_type"]?.stringValue == "mapper_parsing_exception")
        #expect(first["reason"]?.stringValue == "failed to parse \"a\"")
        #expect(first["_source"] == .object(["a": .array([.int(1), .int(2)])]))
        let second = try JSONValue.parse(Array(lines[1].utf8))
        #expect(second["_routing"] == nil)
        #expect(second["_source"]?.stringValue == "{\"a\":\u{01}")
        #expect(second["source_is_text"]?.boolValue == true)
    }
}
