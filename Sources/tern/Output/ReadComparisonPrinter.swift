import Capture

/// `tern compare-reads` for people.
struct ReadComparisonPrinter {
    let report: ReadComparisonReport

    func human() -> String {
        let skipped = report.skipped
        var out = "Reads of \(report.readLog) repeated on \(report.target)\n"
        out += "  compared        \(report.compared) (equal \(report.equal), different \(report.different))\n"
        out +=
            "  skipped         \(skipped.total) (source not 2xx \(skipped.sourceNotOK), too large \(skipped.oversize), unsupported \(skipped.unsupported), outside the selection \(skipped.outsideSelection), unanswered \(skipped.unanswered))\n"
        for sample in report.samples {
            let renamed = sample.targetPath == sample.path ? "" : " (target \(sample.targetPath))"
            out += "\(sample.method) \(sample.path)\(renamed): DIFFERENT\n"
            out += sample.differences.map { "    \($0)\n" }.joined()
        }
        if report.different > report.samples.count {
            out += "  ... and \(report.different - report.samples.count) more reads answered differently\n"
        }
        if let damage = report.damage { out += "warning: \(damage)\n" }
        out +=
            report.ok
            ? (report.compared == 0 ? "No read was compared.\n" : "The target answers the logged reads like the source.\n")
            : "DIFFERENCES FOUND: see above.\n"
        return out
    }
}
