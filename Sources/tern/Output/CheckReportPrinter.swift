import Compatibility
import SearchClient
import TernCore

/// The human summary of `tern check`.
struct CheckReportPrinter {
    let color: Bool

    func render(_ report: CheckReport) -> String {
        var out = ""
        out += side("Source", report.source)
        out += side("Target", report.target)
        guard !report.strategies.isEmpty else {
            out += "\nNo verdict: both sides must be checked first.\n"
            return out
        }
        out += "\n" + bold("Strategies") + "\n"
        let width = Strategy.allCases.map(\.rawValue.count).max() ?? 0
        for strategy in report.strategies {
            let mark = strategy.possible ? paint("yes", 32) : paint("no ", 31)
            let name = strategy.name.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            out += "  \(mark)  \(name)  \(strategy.reasons.first ?? "")\n"
            for reason in strategy.reasons.dropFirst() {
                out += String(repeating: " ", count: width + 9) + reason + "\n"
            }
        }
        if let path = report.upgradePath {
            out += "\nIn-place path: " + path.map(\.description).joined(separator: " -> ") + "\n"
        }
        if let recommended = report.recommended {
            out += "\n" + bold("Recommended: \(recommended.rawValue)") + (report.recommendationReason.map { "\n  \($0)" } ?? "") + "\n"
        } else {
            out += "\n" + paint("No strategy can take the source to the target.", 31) + "\n"
        }
        if !report.warnings.isEmpty {
            out += "\n" + bold("Warnings") + "\n"
            for warning in report.warnings { out += "  " + paint("!", 33) + " \(warning)\n" }
        }
        return out
    }

    private func side(_ title: String, _ report: ClusterReport) -> String {
        var out = bold(title)
        if let endpoint = report.endpoint { out += "  \(endpoint)" }
        if report.mode == .offline { out += "  (offline: version only)" }
        out += "\n"
        if let error = report.error {
            return out + "  " + paint("unreachable: ", 31) + error + "\n"
        }
        if let distribution = report.distribution, let version = report.version {
            var line = "  \(distribution.displayName) \(version)"
            if let name = report.clusterName { line += " · cluster \(name)" }
            if let hosting = report.hosting, hosting != .selfManaged { line += " · \(hosting.rawValue)" }
            if let reported = report.reportedVersion { line += " · answers as \(reported) (compatibility mode)" }
            out += line + "\n"
        }
        if let health = report.health {
            let status = paint(health.status.rawValue, health.status == .green ? 32 : health.status == .yellow ? 33 : 31)
            var line =
                "  health \(status) · \(health.numberOfNodes) node\(health.numberOfNodes == 1 ? "" : "s") (\(health.numberOfDataNodes) data)"
            if health.unassignedShards > 0 { line += " · \(health.unassignedShards) unassigned shards" }
            out += line + "\n"
        }
        if let count = report.indexCount {
            out +=
                "  \(count) ind\(count == 1 ? "ex" : "ices") · \(Self.grouped(report.documentCount ?? 0)) documents · \(Self.bytes(report.storeBytes ?? 0))\n"
        }
        if let plugins = report.plugins {
            out += "  plugins: \(plugins.isEmpty ? "none" : plugins.joined(separator: ", "))\n"
        }
        for note in report.notes ?? [] { out += "  note: \(note)\n" }
        return out
    }

    private func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func paint(_ text: String, _ code: Int) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    static func grouped(_ number: Int64) -> String {
        let digits = String(number)
        var out = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out += "," }
            out.append(character)
        }
        return out
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
