import Foundation
import Migration
import Synchronization
import TernCore

/// Shows a running backfill: a redrawn bar on a terminal, a log line every few seconds otherwise (both on standard
/// error, so standard output stays for results).
final class ProgressDisplay: Sendable {
    let progress: BackfillProgress
    let interactive: Bool
    private let started = ContinuousClock.now
    private let drewBar = Mutex(false)

    init(progress: BackfillProgress, interactive: Bool) {
        self.progress = progress
        self.interactive = interactive
    }

    func run() async {
        let interval: Duration = interactive ? .milliseconds(500) : .seconds(5)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            draw()
        }
    }

    /// Ends the bar's line.
    func finish() {
        if drewBar.withLock({ $0 }) { Terminal.standardError.write("\n") }
    }

    private func draw() {
        let now = progress.snapshot
        let seconds = max(0.001, (ContinuousClock.now - started).inSeconds)
        let rate = Double(now.read) / seconds
        let megabytes = Double(now.sourceBytes) / 1e6 / seconds
        var text =
            "units \(now.unitsDone)/\(now.unitsTotal) · \(now.read) docs · \(Int(rate)) docs/s · \(String(format: "%.1f", megabytes)) MB/s"
        if now.failed > 0 { text += " · \(now.failed) failed" }
        if let expected = now.expectedDocuments, expected > 0 {
            let fraction = min(1, Double(now.read) / Double(expected))
            let remaining = rate > 0 ? Double(expected - now.read) / rate : 0
            text = "\(bar(fraction)) \(Int(fraction * 100))% " + text + (remaining > 0 ? " · ETA \(Self.clock(remaining))" : "")
        }
        if interactive {
            drewBar.withLock { $0 = true }
            Terminal.standardError.write("\r\u{1B}[2K" + text)
        } else {
            Terminal.standardError.write("backfill: " + text + "\n")
        }
    }

    private func bar(_ fraction: Double) -> String {
        let width = 24
        let filled = Int(fraction * Double(width))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds)
        return total >= 3600
            ? String(format: "%dh%02dm", total / 3600, total % 3600 / 60) : String(format: "%dm%02ds", total / 60, total % 60)
    }
}
