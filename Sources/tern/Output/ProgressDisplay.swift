import Backfill
import Foundation
import Synchronization
import TernCore

/// Shows a running backfill: redrawn bars (per index and in total) on a terminal, a log line every few seconds otherwise (both on standard
/// error, so standard output stays for results).
final class ProgressDisplay: Sendable {
    let progress: BackfillProgress
    let interactive: Bool
    /// Bytes fetched from an object store so far, when the source is one.
    let fetched: (@Sendable () -> Int)?
    private let started = ContinuousClock.now
    /// Lines of the last block drawn on the terminal.
    private let drewLines = Mutex(0)

    init(progress: BackfillProgress, interactive: Bool, fetched: (@Sendable () -> Int)? = nil) {
        self.progress = progress
        self.interactive = interactive
        self.fetched = fetched
    }

    func run() async {
        let interval: Duration = interactive ? .milliseconds(500) : .seconds(5)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            draw()
        }
    }

    /// Ends the bars' block.
    func finish() {
        if drewLines.withLock({ $0 }) > 0 { Terminal.standardError.write("\n") }
    }

    /// At most this many index lines on a terminal; the rest are summed up in one line.
    static let maxIndexLines = 8

    private func draw() {
        let now = progress.snapshot
        let seconds = max(0.001, (ContinuousClock.now - started).inSeconds)
        let rate = Double(now.read) / seconds
        let megabytes = Double(now.sourceBytes) / 1e6 / seconds
        var text =
            "units \(now.unitsDone)/\(now.unitsTotal) · \(now.read) docs · \(Int(rate)) docs/s · \(String(format: "%.1f", megabytes)) MB/s"
        if let fetched {
            let bytes = Double(fetched())
            text += " · fetched \(String(format: "%.1f", bytes / 1e6)) MB (\(String(format: "%.1f", bytes / 1e6 / seconds)) MB/s)"
        }
        if now.failed > 0 { text += " · \(now.failed) failed" }
        if let expected = now.expectedDocuments, expected > 0 {
            let fraction = min(1, Double(now.read) / Double(expected))
            let remaining = rate > 0 ? Double(expected - now.read) / rate : 0
            text = "\(bar(fraction)) \(Int(fraction * 100))% " + text + (remaining > 0 ? " · ETA \(Self.clock(remaining))" : "")
        }
        guard interactive else {
            Terminal.standardError.write("backfill: " + text + "\n")
            return
        }
        var lines = indexLines(now.indices)
        lines.append("total " + text)
        let previous = drewLines.withLock { drawn in
            defer { drawn = lines.count }
            return drawn
        }
        // Back to the first line of the previous block, then redraw every line of it.
        var out = previous > 1 ? "\u{1B}[\(previous - 1)F" : "\r"
        out += lines.map { "\u{1B}[2K" + $0 }.joined(separator: "\n")
        Terminal.standardError.write(out)
    }

    /// One line per index still being copied (then the finished ones), with its bar where its size is known.
    private func indexLines(_ indices: [String: BackfillProgress.IndexCounts]) -> [String] {
        guard indices.count > 1 else { return [] }
        let ordered = indices.sorted { left, right in
            let leftDone = left.value.unitsDone == left.value.unitsTotal
            let rightDone = right.value.unitsDone == right.value.unitsTotal
            return leftDone != rightDone ? !leftDone : left.key < right.key
        }
        let width = min(30, ordered.map(\.key.count).max() ?? 0)
        var lines: [String] = []
        for (name, counts) in ordered.prefix(Self.maxIndexLines) {
            let label =
                name.count > width ? String(name.prefix(width - 1)) + "…" : name.padding(toLength: width, withPad: " ", startingAt: 0)
            var line = label + " "
            if counts.unitsDone == counts.unitsTotal {
                line += "done · \(counts.read) docs"
            } else if let expected = counts.expectedDocuments, expected > 0 {
                let fraction = min(1, Double(counts.read) / Double(expected))
                line += "\(bar(fraction)) \(Int(fraction * 100))% · \(counts.read)/\(expected) docs"
            } else {
                line += "\(counts.read) docs"
            }
            lines.append(line + " · units \(counts.unitsDone)/\(counts.unitsTotal)")
        }
        if ordered.count > Self.maxIndexLines {
            let rest = ordered.dropFirst(Self.maxIndexLines)
            lines.append("… \(rest.count) more indices, \(rest.filter { $0.value.unitsDone == $0.value.unitsTotal }.count) done")
        }
        return lines
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
