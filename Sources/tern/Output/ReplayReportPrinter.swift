import Capture
import Foundation

/// `tern replay` output for people.
struct ReplayReportPrinter {
    let report: ReplayReport

    func human() -> String {
        let progress = report.progress
        var out = "Replay of \(progress.captureDirectory) -> \(progress.target)\n"
        out += "  position: segment \(progress.segment), byte \(progress.offset)\n"
        out +=
            "  \(progress.exchanges) writes applied: \(progress.written) documents written, \(progress.deleted) deleted, \(progress.reread) re-read from the source, \(progress.alreadyNewer) already newer on the target, \(progress.admin) index-level calls, \(progress.failed) failed\n"
        out += "  lag: \(progress.lagRecords) records, \(String(format: "%.1f", progress.lagSeconds)) s\n"
        for damage in report.damage { out += "  DAMAGE: \(damage)\n" }
        for issue in report.issues {
            switch issue.kind {
            case .repair:
                out +=
                    "  REPAIR \(issue.index): \(issue.reason) (\(issue.occurrences)x); run tern validate --repair --index '\(issue.index)'\n"
            case .unsupported:
                out += "  NOT REPLAYED: \(issue.reason) (\(issue.occurrences)x); apply it to the target by hand\n"
            case .failed:
                out += "  FAILED \(issue.index): \(issue.reason) (\(issue.occurrences)x)\n"
            }
        }
        out += report.ok ? "Every logged write is applied.\n" : "Not everything could be applied exactly: see above.\n"
        return out
    }
}
