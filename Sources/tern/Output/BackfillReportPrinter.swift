import Backfill

/// The human summary of a backfill.
struct BackfillReportPrinter {
    func render(_ report: BackfillReport) -> String {
        var out =
            report.resumed
            ? "Backfill run \(report.run) (resumed: \(report.unitsDoneBefore) of \(report.unitsTotal) units were already done)\n"
            : "Backfill run \(report.run)\n"
        let width = max(6, report.indices.map(\.target.count).max() ?? 0)
        out += "INDEX".padding(toLength: width, withPad: " ", startingAt: 0) + "        READ     WRITTEN  NEWER  FAILED  TARGET  MISSING\n"
        for index in report.indices {
            out += index.target.padding(toLength: width, withPad: " ", startingAt: 0)
            out +=
                Self.column(index.read, 12) + Self.column(index.written, 12) + Self.column(index.alreadyNewer, 7)
                + Self.column(index.failed, 8)
            out += Self.column(index.targetCount.map(Int.init), 8) + Self.column(index.missing.map(Int.init), 9) + "\n"
        }
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

    private static func column(_ value: Int?, _ width: Int) -> String {
        let text = value.map(String.init) ?? "-"
        return String(repeating: " ", count: max(1, width - text.count)) + text
    }
}
