import Foundation
import Validation

/// `tern validate` output: a terminal summary, and the Markdown or HTML report an operator attaches to a change ticket.
struct ValidationReportPrinter {
    let report: ValidationReport

    func human() -> String {
        var out = "Validation of \(report.source) -> \(report.target)\n"
        if !report.indices.isEmpty {
            let width = max(5, report.indices.map { label($0).count }.max() ?? 0)
            let inFlight = report.inFlight != nil
            out += "INDEX".padding(toLength: width, withPad: " ", startingAt: 0) + "      SOURCE      TARGET  MISSING    EXTRA  DIFFERENT"
            out += (inFlight ? "  IN FLIGHT" : "") + "\n"
            for index in report.indices {
                out += label(index).padding(toLength: width, withPad: " ", startingAt: 0)
                out += column(index.sourceCount, 12) + column(index.targetCount, 12) + column(index.missing, 9) + column(index.extra, 9)
                out += column(index.different, 11) + (inFlight ? column(index.inFlight ?? 0, 11) : "")
                out += (index.isClean ? "" : "  <-") + "\n"
                out += samples(index).map { "    \($0)\n" }.joined()
            }
        }
        out += repairLines().map { "\($0)\n" }.joined()
        for query in report.queries {
            let title = query.name.map { "\($0) (\(query.origin))" } ?? query.origin
            out += query.differences.isEmpty ? "query \(title): same answer\n" : "query \(title): DIFFERENT\n"
            out += query.differences.map { "    \($0)\n" }.joined()
        }
        let sampled = report.indices.contains { $0.sampleRate < 1 }
        out +=
            report.ok
            ? "The target holds the same documents\(sampled ? " (among the sampled ids)" : "")\(report.queries.isEmpty ? "" : " and answers the requests alike")\(report.inFlightSentence == nil ? "" : " but for writes in flight").\n"
            : "DIFFERENCES FOUND: see above.\n"
        if let inFlight = report.inFlightSentence {
            out += "\(inFlight.prefix(1).uppercased())\(inFlight.dropFirst()); tern replay brings them to the target.\n"
        }
        return out
    }

    func markdown() -> String {
        var out = "# Tern validation report\n\n"
        out += "- Source: `\(report.source)`\n- Target: `\(report.target)`\n"
        out += "- Started: \(ISO8601DateFormatter().string(from: report.startedAt)), took \(String(format: "%.1f", report.seconds)) s\n"
        out += "- Result: **\(report.ok ? "no differences" : "differences found")**\n"
        if let inFlight = report.inFlightSentence { out += "- In flight: \(inFlight)\n" }
        out += "\n"
        if !report.indices.isEmpty {
            let inFlight = report.inFlight != nil
            out +=
                "## Documents\n\n| index | target index | source | target | missing | extra | different | \(inFlight ? "in flight | " : "")compared |\n|---|---|---:|---:|---:|---:|---:|\(inFlight ? "---:|" : "")---|\n"
            for index in report.indices {
                out +=
                    "| \(index.sourceIndex) | \(index.targetIndex) | \(index.sourceCount) | \(index.targetCount) | \(index.missing) | \(index.extra) | \(index.different) | \(inFlight ? "\(index.inFlight ?? 0) | " : "")\(index.sampleRate < 1 ? "\(Int(index.sampleRate * 100))% sample" : "every document") |\n"
            }
            for index in report.indices where showsDetails(index) {
                out += "\n### \(index.sourceIndex)\n\n" + samples(index).map { "- \($0)\n" }.joined()
            }
        }
        let repairs = repairLines()
        if !repairs.isEmpty {
            out += "\n## Repair\n\n" + repairs.map { "- \($0)\n" }.joined()
        }
        if !report.queries.isEmpty {
            out += "\n## Queries and aggregations\n\n"
            for query in report.queries {
                out +=
                    "- \(query.name ?? query.origin) on `\(query.index)`: \(query.differences.isEmpty ? "same answer" : "**different**")\n"
                out += query.differences.map { "  - \($0)\n" }.joined()
            }
        }
        return out
    }

    func html() -> String {
        var rows = ""
        let inFlight = report.inFlight != nil
        for index in report.indices {
            rows +=
                "<tr class=\"\(index.isClean ? "ok" : "bad")\"><td>\(escape(index.sourceIndex))</td><td>\(escape(index.targetIndex))</td><td>\(index.sourceCount)</td><td>\(index.targetCount)</td><td>\(index.missing)</td><td>\(index.extra)</td><td>\(index.different)</td>\(inFlight ? "<td>\(index.inFlight ?? 0)</td>" : "")</tr>\n"
        }
        var details = ""
        let repairs = repairLines()
        if !repairs.isEmpty {
            details += "<h2>Repair</h2><ul>" + repairs.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n"
        }
        for index in report.indices where showsDetails(index) {
            details += "<h3>\(escape(index.sourceIndex))</h3><ul>" + samples(index).map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n"
        }
        for query in report.queries {
            details +=
                "<p>\(escape(query.name ?? query.origin)) on <code>\(escape(query.index))</code>: \(query.differences.isEmpty ? "same answer" : "<strong>different</strong>")</p>"
            if !query.differences.isEmpty { details += "<ul>" + query.differences.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n" }
        }
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Tern validation report</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}\
            td:first-child,td:nth-child(2){text-align:left}tr.bad{background:#fdd}</style></head><body>
            <h1>Tern validation report</h1>
            <p>Source <code>\(escape(report.source))</code>, target <code>\(escape(report.target))</code>, started \
            \(ISO8601DateFormatter().string(from: report.startedAt)), \(String(format: "%.1f", report.seconds)) s.</p>
            <p><strong>\(report.ok ? "No differences." : "Differences found.")</strong>\(report.inFlightSentence.map { " \(escape($0))." } ?? "")</p>
            <table><tr><th>index</th><th>target index</th><th>source</th><th>target</th><th>missing</th><th>extra</th><th>different</th>\(inFlight ? "<th>in flight</th>" : "")</tr>
            \(rows)</table>
            \(details)
            </body></html>

            """
    }

    /// What a `--repair` did and what it started from; empty when no repair ran.
    private func repairLines() -> [String] {
        guard let repairs = report.repairs else { return [] }
        guard !repairs.isEmpty else { return ["repair: nothing to repair"] }
        var lines: [String] = []
        for repair in repairs {
            let name = repair.sourceIndex == repair.targetIndex ? repair.sourceIndex : "\(repair.sourceIndex) -> \(repair.targetIndex)"
            if let before = report.beforeRepair?.first(where: { $0.sourceIndex == repair.sourceIndex }) {
                lines.append("\(name) before the repair: \(before.missing) missing, \(before.extra) extra, \(before.different) different")
            }
            var line = "\(name) repaired: \(repair.copied) copied from the source, \(repair.deleted) deleted from the target"
            if repair.versionsAhead > 0 {
                line += ", \(repair.versionsAhead) kept at a target version above the source's (validate again after a replay)"
            }
            if repair.failed > 0 { line += ", \(repair.failed) FAILED" }
            lines.append(line)
            lines += repair.failures.map { "    \($0)" }
        }
        return lines
    }

    /// Whether an index gets a section of its own in a report: something differs, or is in flight.
    private func showsDetails(_ index: IndexValidationResult) -> Bool {
        !index.isClean || !(index.metadata?.otherDifferences.isEmpty ?? true) || (index.inFlight ?? 0) > 0
            || index.countsInFlight == true
    }

    private func label(_ index: IndexValidationResult) -> String {
        index.sourceIndex == index.targetIndex ? index.sourceIndex : "\(index.sourceIndex) -> \(index.targetIndex)"
    }

    private func samples(_ index: IndexValidationResult) -> [String] {
        var lines: [String] = []
        if !index.samples.missing.isEmpty { lines.append("missing on the target: " + index.samples.missing.joined(separator: ", ")) }
        if !index.samples.extra.isEmpty { lines.append("extra on the target: " + index.samples.extra.joined(separator: ", ")) }
        if !index.samples.different.isEmpty { lines.append("different: " + index.samples.different.joined(separator: ", ")) }
        if let inFlight = index.inFlightSamples, !inFlight.isEmpty {
            lines.append("in flight (writes still on their way): " + inFlight.joined(separator: ", "))
        }
        if index.sourceCount != index.targetCount {
            lines.append(
                "counts differ\(index.countsInFlight == true ? " by no more than the writes in flight" : ""): \(index.sourceCount) on the source, \(index.targetCount) on the target"
            )
        }
        if let metadata = index.metadata {
            if metadata.status == .missing { lines.append("the target has no such index") }
            if metadata.status == .cannotConvert {
                lines.append("the source definition cannot be converted for the target (see tern metadata evaluate)")
            }
            if !metadata.mappingDifferences.isEmpty {
                lines.append("mappings differ at: " + metadata.mappingDifferences.joined(separator: ", "))
            }
            if !metadata.otherDifferences.isEmpty {
                lines.append("settings or aliases differ (reported, not failing): " + metadata.otherDifferences.joined(separator: ", "))
            }
        }
        return lines
    }

    private func column(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(1, width - text.count)) + text
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
