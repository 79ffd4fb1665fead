import Foundation
import TernCore
import Upgrade

/// The human summary of an upgrade run, `tern upgrade status` and `tern upgrade verify`.
struct UpgradeProgressPrinter {
    let color: Bool

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func render(_ progress: UpgradeProgress) -> String {
        var out = bold("\(progress.kind.rawValue.capitalized) upgrade to \(progress.target)") + "  \(progress.endpoint)  "
        switch progress.status {
        case .completed: out += paint("completed", 32)
        case .stopped: out += paint("stopped", 31)
        case .running: out += paint("running", 33)
        }
        out += "\n"
        if let snapshot = progress.snapshot { out += "  snapshot: \(snapshot)\n" }
        if let file = progress.composeFile { out += "  compose file: \(file)\n" }
        for node in progress.nodes {
            out += "  node \(node.name) (was \(node.fromVersion)): \(node.phase.rawValue)\n"
        }
        if let phase = progress.clusterPhase { out += "  last step done: \(phase.rawValue)\n" }
        if let error = progress.lastError { out += "  " + paint("stopped: ", 31) + error + "\n" }
        if let verification = progress.verification { out += render(verification) }
        return out
    }

    func render(_ verification: UpgradeVerification) -> String {
        var out = bold("Verification") + "\n"
        for check in verification.checks {
            out += "  \(check.passed ? paint("ok  ", 32) : paint("FAIL", 31)) \(check.name): \(check.detail)\n"
        }
        return out
    }

    private func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func paint(_ text: String, _ code: Int) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
}
