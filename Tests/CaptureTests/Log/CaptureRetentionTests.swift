import Foundation
import State
import Synchronization
import TernCore
import TernTestSupport
import Testing

@testable import Capture

/// Retention driven by the replayers' positions, on a real capture log with small segments.
@Suite struct CaptureRetentionTests {
    /// A log of several 1 KiB segments; returns the writer and the position after each record.
    static func log(in folder: TemporaryFolder) async throws -> (CaptureLogWriter, [CapturePosition]) {
        let writer = try CaptureLogWriter(directory: folder.path, options: CaptureLogOptions(segmentBytes: 1024))
        var positions: [CapturePosition] = []
        for _ in 0..<60 { positions.append(try await writer.append(Records.request(writer.nextExchange()), durable: false)) }
        #expect(writer.stats.segments >= 5)
        return (writer, positions)
    }

    static func segments(_ folder: TemporaryFolder) throws -> [UInt64] {
        try CaptureLogSegments.list(folder.path)
    }

    @Test func theReplayFurthestBehindDecidesAndNoReplayKeepsEverything() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (writer, positions) = try await Self.log(in: folder)
        let all = try Self.segments(folder)
        let replays = Mutex<[CapturePosition]>([])
        let captured = CapturedLog()
        let retention = CaptureRetention(log: writer, retention: .zero, logger: captured.logger) { replays.withLock { $0 } }

        #expect(try await retention.sweep().isEmpty, "no replay recorded: nothing is known to be applied")
        #expect(try Self.segments(folder) == all)

        let inThird = positions.first { $0.segment == 3 }!
        let inFifth = positions.first { $0.segment == 5 }!
        replays.withLock { $0 = [inFifth, inThird] }
        #expect(try await retention.sweep() == [CaptureLogFormat.fileName(segment: 1), CaptureLogFormat.fileName(segment: 2)])
        #expect(try Self.segments(folder) == Array(all.dropFirst(2)))
        #expect(captured.text.contains("capture segments removed"), "\(captured.text)")
        #expect(captured.text.contains(CaptureLogFormat.fileName(segment: 2)))

        // The slower replay catches up: now the other one holds segment 5 back.
        replays.withLock { $0 = [inFifth, positions.last!] }
        #expect(try await retention.sweep() == [CaptureLogFormat.fileName(segment: 3), CaptureLogFormat.fileName(segment: 4)])
        #expect(try Self.segments(folder).first == 5)

        // Everything applied everywhere: all but the segment being written goes.
        replays.withLock { $0 = [positions.last!, positions.last!] }
        _ = try await retention.sweep()
        #expect(try Self.segments(folder) == [all.last!])
        try await writer.close()
    }

    @Test func segmentsYoungerThanTheRetentionStay() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (writer, positions) = try await Self.log(in: folder)
        let all = try Self.segments(folder)
        let retention = CaptureRetention(log: writer, retention: .seconds(3600), logger: CapturedLog().logger) { [positions.last!] }
        #expect(try await retention.sweep().isEmpty)
        #expect(try Self.segments(folder) == all)
        try await writer.close()
    }

    @Test func aFailedPassIsAWarningAndTheNextPassRuns() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (writer, positions) = try await Self.log(in: folder)
        let calls = Atomic<Int>(0)
        let captured = CapturedLog()
        let last = positions.last!
        let retention = CaptureRetention(log: writer, retention: .zero, logger: captured.logger) {
            if calls.add(1, ordering: .relaxed).newValue == 1 { throw TernError(.stateStore, "The state store is busy.") }
            return [last]
        }
        let running = Task { await retention.run(every: .milliseconds(50)) }
        // A hang guard, not a timing: the whole suite on 2 cores can starve this task for a minute.
        let deadline = ContinuousClock.now + .seconds(180)
        while try Self.segments(folder).count > 1 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        running.cancel()
        await running.value
        #expect(try Self.segments(folder).count == 1)
        #expect(captured.text.contains("warning capture log retention failed"), "\(captured.text)")
        #expect(captured.text.contains("The state store is busy."))
        try await writer.close()
    }

    @Test func positionsComeFromTheReplaysOfThisFolderInTheStateStore() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let state = folder.path + "/state"
        let positions = ReplayPositions(stateDirectory: state)
        #expect(try await positions.positions(captureDirectory: folder.path + "/capture").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: state), "reading must not create a state folder")

        let store = try StateStore(folder: state)
        let capture = Replayer.stateKey(captureDirectory: folder.path + "/capture")
        try await store.saveReplayProgress(ReplayProgress(captureDirectory: capture, target: "http://a:9200", segment: 4, offset: 100))
        try await store.saveReplayProgress(ReplayProgress(captureDirectory: capture, target: "http://b:9200", segment: 2, offset: 7))
        try await store.saveReplayProgress(
            ReplayProgress(captureDirectory: capture + "-target", target: "http://old:9200", segment: 1, offset: 0))
        // The same folder named another way matches: replays store it as an absolute, standardized path.
        let found = try await positions.positions(captureDirectory: folder.path + "/./capture/")
        #expect(Set(found) == [CapturePosition(segment: 4, offset: 100), CapturePosition(segment: 2, offset: 7)])
        #expect(try await positions.positions(captureDirectory: capture + "-target") == [CapturePosition(segment: 1, offset: 0)])
    }
}
