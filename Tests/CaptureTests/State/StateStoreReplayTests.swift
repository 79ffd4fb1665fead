import Foundation
import Testing

@testable import Capture
@testable import State

@Suite struct StateStoreReplayTests {
    @Test func replayProgressSurvivesReopeningAndIssuesAccumulate() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var progress = ReplayProgress(captureDirectory: "/data/capture", target: "http://new:9200", segment: 3, offset: 4096)
        progress.written = 10
        progress.lagSeconds = 1.5
        let issue = ReplayIssue(kind: .repair, index: "orders", reason: "_delete_by_query")
        try await StateStore(folder: folder).saveReplayProgress(progress, issues: [issue])
        progress.offset = 8192
        try await StateStore(folder: folder).saveReplayProgress(progress, issues: [issue])

        let store = try StateStore(folder: folder)
        let saved = try #require(try await store.replayProgress(captureDirectory: "/data/capture", target: "http://new:9200"))
        #expect(saved.segment == 3 && saved.offset == 8192 && saved.written == 10 && saved.lagSeconds == 1.5)
        #expect(try await store.replayProgress(captureDirectory: "/other", target: "http://new:9200") == nil)
        let issues = try await store.replayIssues(captureDirectory: "/data/capture", target: "http://new:9200")
        #expect(issues.count == 1 && issues.first?.occurrences == 2 && issues.first?.kind == .repair)
    }

    @Test func aTargetWithCredentialsIsRefused() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(folder: folder)
        await #expect(throws: (any Error).self) {
            try await store.saveReplayProgress(ReplayProgress(captureDirectory: "/c", target: "http://admin:secret@new:9200"))
        }
    }
}
