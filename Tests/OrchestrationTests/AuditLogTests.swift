import Foundation
import Testing

@testable import Orchestration

struct AuditLogTests {
    @Test func eventsAreAppendedAndATornLastLineIsSkipped() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = AuditLog(stateDirectory: folder.path)
        let first = AuditLog.Event(
            time: Date(timeIntervalSince1970: 1_700_000_000), actor: "ops@host", operation: .cutover, operationID: 3, step: "drain",
            event: "done", detail: "replayed to lag 0")
        try log.append(first)
        var second = first
        second.step = nil
        second.event = "completed"
        try log.append(second)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"actor":"ops@ho"#.utf8))
        try handle.close()
        #expect(log.events() == [first, second])
        let text = try String(contentsOfFile: log.path, encoding: .utf8)
        #expect(
            text.hasPrefix(
                #"{"actor":"ops@host","detail":"replayed to lag 0","event":"done","operation":"cutover","operation_id":3,"step":"drain","time":"2023-11-14T22:13:20Z"}"#
            ))
    }
}
