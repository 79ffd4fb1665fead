import ArgumentParser
import Capture
import Foundation
import Migration
import TernCore

/// `tern replay status`
struct ReplayStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show how far replays got: position, counts, lag, and what needs a repair.")

    @Option(name: .customLong("capture-dir"), help: ArgumentHelp("The capture folder tern proxy writes.", valueName: "path"))
    var captureDirectory = ".tern/capture"

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("The state folder.", valueName: "path"))
    var stateDirectory = ".tern"

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        guard FileManager.default.fileExists(atPath: stateDirectory) else {
            throw TernError(.invalidArgument, "No state folder at \(stateDirectory): no replay has run here yet (or pass --state-dir).")
        }
        let store = try StateStore(folder: stateDirectory)
        let directory = Replayer.stateKey(captureDirectory: captureDirectory)
        var reports: [ReplayReport] = []
        for var progress in try await store.allReplayProgress() where progress.captureDirectory == directory {
            // The lag now, from the log itself: records after the saved position and the age of the first of them.
            let lag = try Self.lag(directory: directory, from: CapturePosition(segment: progress.segment, offset: progress.offset))
            progress.lagRecords = lag.records
            progress.lagSeconds = lag.oldestMillis.map { max(0, Date().timeIntervalSince1970 - Double($0) / 1000) } ?? 0
            reports.append(
                ReplayReport(
                    progress: progress, issues: try await store.replayIssues(captureDirectory: directory, target: progress.target),
                    damage: lag.damage.map { [$0] } ?? []))
        }
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(reports) + "\n")
            return
        }
        guard !reports.isEmpty else {
            Terminal.standardOutput.write("No replay of \(directory) recorded in \(stateDirectory).\n")
            return
        }
        Terminal.standardOutput.write(reports.map { ReplayReportPrinter(report: $0).human() }.joined(separator: "\n"))
    }

    static func lag(directory: String, from position: CapturePosition) throws -> (records: Int64, oldestMillis: Int64?, damage: String?) {
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
