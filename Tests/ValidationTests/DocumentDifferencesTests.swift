import Foundation
import Testing

@testable import Validation

@Suite struct DocumentDifferencesTests {
    @Test func entriesComeBackInOrderAcrossReadBlocks() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-differences-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let list = try DocumentDifferences(path: path)
        // About 2.5 MB: more than two read blocks, with lines cut at block edges.
        let count = 40_000
        for n in 0..<count {
            try list.record(.init(kind: n % 3 == 0 ? .extra : .missing, id: "id-\(n)-\"quoted\"", routing: n % 5 == 0 ? "r\(n)" : nil))
        }
        var seen: [DocumentDifferences.Entry] = []
        var batches = 0
        try await list.forEachBatch(of: 777) { batch in
            #expect(batch.count <= 777)
            batches += 1
            seen += batch
        }
        #expect(seen.count == count && batches == (count + 776) / 777)
        #expect(
            seen.enumerated().allSatisfy { n, entry in entry.id == "id-\(n)-\"quoted\"" && (entry.routing == (n % 5 == 0 ? "r\(n)" : nil)) }
        )
    }
}
