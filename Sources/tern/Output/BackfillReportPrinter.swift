import Backfill

/// The human summary of a backfill.
struct BackfillReportPrinter {
    func render(_ report: BackfillReport) -> String {
        if let index = report.coordinationIndex {
            return renderShared(report, index: index)
        }
        var out =
            report.resumed
            ? "Backfill run \(report.run) (resumed: \(report.unitsDoneBefore) of \(report.unitsTotal) units were already done)\n"
            : "Backfill run \(report.run)\n"
        out += table(report)
        out +=
            "\(report.read) read, \(report.written) written, \(report.alreadyNewer) already newer on the target, \(report.failed) failed, \(report.missing) missing, in \(String(format: "%.1f", report.seconds)) s"
        if report.seconds > 0 { out += " (\(Int(Double(report.read) / max(report.seconds, 0.001))) docs/s)" }
        out += "\n"
        if !report.settingsRestored.isEmpty {
            out += "Restored on the target after --fast-load: \(report.settingsRestored.joined(separator: ", "))\n"
        }
        if let file = report.deadLetterFile { out += "Refused documents and their reasons: \(file)\n" }
        out += report.complete ? "Every selected document is on the target.\n" : "NOT COMPLETE: see the counts above.\n"
        return out
    }

    /// A worker of a shared backfill: the whole backfill's counts, and this worker's share.
    private func renderShared(_ report: BackfillReport, index: String) -> String {
        var out =
            "Shared backfill \(index): all \(report.unitsTotal) items done; this worker (\(report.worker ?? "-")) read \(report.readByThisWorker ?? 0) documents in \(String(format: "%.1f", report.seconds)) s\n"
        out += table(report)
        out +=
            "All workers: \(report.read) read, \(report.written) written, \(report.alreadyNewer) already newer on the target, \(report.failed) failed, \(report.missing) missing\n"
        if let cost = report.coordination, cost.itemsDone > 0 {
            let perItem = { (seconds: Double) in String(format: "%.1f", seconds * 1000 / Double(cost.itemsDone)) }
            out +=
                "Coordination: \(cost.itemsDone) items finished here, each \(perItem(cost.copySeconds)) ms copying, \(perItem(cost.claimSeconds)) ms claiming, \(perItem(cost.finishSeconds)) ms marking done (\(String(format: "%.2f", cost.overhead * 100))% overhead); \(cost.requests) requests in all\n"
        }
        if let file = report.deadLetterFile { out += "Refused documents and their reasons, in the workers' dead-letter files: \(file)\n" }
        out += report.complete ? "Every selected document is on the target.\n" : "NOT COMPLETE: see the counts above.\n"
        return out
    }

    private func table(_ report: BackfillReport) -> String {
        let width = max(6, report.indices.map(\.target.count).max() ?? 0)
        var out =
            "INDEX".padding(toLength: width, withPad: " ", startingAt: 0) + "        READ     WRITTEN  NEWER  FAILED  TARGET  MISSING\n"
        for index in report.indices {
            out += index.target.padding(toLength: width, withPad: " ", startingAt: 0)
            out +=
                Self.column(index.read, 12) + Self.column(index.written, 12) + Self.column(index.alreadyNewer, 7)
                + Self.column(index.failed, 8)
            out += Self.column(index.targetCount.map(Int.init), 8) + Self.column(index.missing.map(Int.init), 9) + "\n"
        }
        return out
    }

    private static func column(_ value: Int?, _ width: Int) -> String {
        let text = value.map(String.init) ?? "-"
        return String(repeating: " ", count: max(1, width - text.count)) + text
    }
}
