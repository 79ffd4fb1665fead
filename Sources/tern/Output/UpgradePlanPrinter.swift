import TernCore
import Upgrade

/// The human summary of `tern upgrade plan`.
struct UpgradePlanPrinter {
    let color: Bool

    func render(_ plan: UpgradePlan) -> String {
        var out = bold("Upgrade plan") + "  \(plan.from.displayName) -> \(plan.to.displayName)"
        out += plan.endpoint.map { "  (\($0))" } ?? "  (offline: versions only)"
        out += "\n"
        if plan.steps.isEmpty {
            out += "\n  Nothing to do.\n"
        } else {
            out += "\n" + bold("Steps") + "\n"
            for (number, step) in plan.steps.enumerated() {
                let method = paint(step.method.rawValue, step.method == .blueGreen ? 33 : 32)
                out += "  \(number + 1). \(step.from) -> \(step.to)  \(method)\n"
                for reason in step.reasons { out += "       \(reason)\n" }
            }
        }
        if plan.mode == .live {
            out += "\n" + bold("Blockers") + "\n"
            if plan.blockers.isEmpty { out += "  none found\n" }
            for blocker in plan.blockers {
                let mark = blocker.severity == .blocking ? paint("x", 31) : paint("!", 33)
                out += "  \(mark) [\(blocker.code)] \(blocker.message)\n      -> \(blocker.action)\n"
            }
        }
        if !plan.notes.isEmpty {
            out += "\n" + bold("Notes") + "\n"
            for note in plan.notes { out += "  - \(note)\n" }
        }
        out += "\n"
        if plan.canProceed {
            let method = plan.steps.first?.method == .restartUpgrade ? "restart" : "rolling"
            if let first = plan.steps.first {
                let exact = first.to.version.precision == 3
                out +=
                    bold("Ready: tern upgrade \(method) --to \(first.to)") + (exact ? "" : " (pick the latest \(first.to.version) release)")
                out += plan.steps.count > 1 ? ", then the next step.\n" : "\n"
            }
        } else if !plan.isInPlace {
            out += paint("No in-place path: this needs a blue-green migration (tern check, tern backfill).", 31) + "\n"
        } else {
            out += paint("Blocked: fix the blockers marked x first.", 31) + "\n"
        }
        return out
    }

    private func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func paint(_ text: String, _ code: Int) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
}
