import Foundation
import State

/// What `tern replay status` and `tern status` show: each saved replay with its lag measured now, from the log itself
/// (the records after the saved position and the age of the first of them), and the issues recorded for it.
public enum ReplayStatus {
    /// - Parameter captureDirectory: only replays of this capture folder; nil for all.
    /// - Throws: `TernError` when the state store or a capture folder cannot be read.
    public static func reports(store: StateStore, captureDirectory: String? = nil) async throws -> [ReplayReport] {
        let wanted = captureDirectory.map(Replayer.stateKey(captureDirectory:))
        var reports: [ReplayReport] = []
        for var progress in try await store.allReplayProgress() where wanted == nil || progress.captureDirectory == wanted {
            let lag = try measureLag(
                directory: progress.captureDirectory, from: CapturePosition(segment: progress.segment, offset: progress.offset))
            progress.lagRecords = lag.records
            progress.lagSeconds = lag.oldestMillis.map { max(0, Date().timeIntervalSince1970 - Double($0) / 1000) } ?? 0
            reports.append(
                ReplayReport(
                    progress: progress,
                    issues: try await store.replayIssues(captureDirectory: progress.captureDirectory, target: progress.target),
                    damage: lag.damage.map { [$0] } ?? []))
        }
        return reports
    }

    /// Records logged in `captureDirectory` that the replay to `target` has not applied yet (all of them before its
    /// first save); 0 when there is no capture folder.
    public static func pendingRecords(store: StateStore, captureDirectory: String, target: String) async throws -> Int64 {
        let directory = Replayer.stateKey(captureDirectory: captureDirectory)
        let progress = try await store.replayProgress(captureDirectory: directory, target: target)
        return try measureLag(
            directory: directory, from: CapturePosition(segment: progress?.segment ?? 0, offset: progress?.offset ?? 0)
        ).records
    }

    private static func measureLag(directory: String, from position: CapturePosition) throws -> (
        records: Int64, oldestMillis: Int64?, damage: String?
    ) {
        guard FileManager.default.fileExists(atPath: directory) else { return (0, nil, nil) }
        let reader = CaptureLogReader(directory: directory, from: position)
        var records: Int64 = 0
        var oldest: Int64?
        while let entry = try reader.next() {
            records += 1
            if oldest == nil { oldest = entry.record.timestampMillis }
        }
        return (records, oldest, reader.damage?.description)
    }
}
