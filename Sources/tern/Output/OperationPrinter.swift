import Foundation
import Orchestration

/// `tern migrate`, `cutover`, `rollback`, `decommission` and `status` output for people.
struct OperationPrinter {
    static func human(_ outcome: OperationOutcome) -> String {
        var out = steps(outcome.operation)
        if !outcome.gates.isEmpty {
            out += "Gates\n"
            for gate in outcome.gates { out += "  \(mark(gate)) \(gate.gate): \(gate.detail)\n" }
        }
        for hook in outcome.hooks {
            out += "  hook `\(hook.command)`: exit \(hook.exitStatus)\(hook.timedOut ? " (timed out)" : "")\n"
        }
        if !outcome.checklist.isEmpty {
            out += "Still yours to do\n"
            for item in outcome.checklist { out += "  [ ] \(item)\n" }
        }
        out += outcome.message + "\n"
        return out
    }

    static func steps(_ operation: OperationRecord) -> String {
        guard operation.id > 0 else { return "" }
        var out =
            "\(operation.kind.rawValue) \(operation.id) (\(operation.actor), started \(time(operation.startedAt))): \(operation.status.rawValue)\n"
        for step in operation.steps {
            let seconds = step.finishedAt.map { String(format: " %.1fs", $0.timeIntervalSince(step.startedAt)) } ?? ""
            out +=
                "  \(step.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(step.name)\(seconds)\(step.detail.isEmpty ? "" : ": \(step.detail)")\n"
        }
        return out
    }

    static func plan(_ plan: CutoverRunner.Plan) -> String {
        var out = "Cutover plan\(plan.unfinished.map { " (resumes cutover \($0.id))" } ?? "")\n"
        for (number, step) in plan.steps.enumerated() {
            out += "  \(number + 1). \(step.step.rawValue)\(step.state == .done ? " (done)" : ""): \(step.action)\n"
        }
        out += "Gates now\n"
        for gate in plan.gates { out += "  \(mark(gate)) \(gate.gate): \(gate.detail)\n" }
        out += plan.ready ? "Ready: tern cutover would start.\n" : "Not ready: fix the gates marked FAIL first.\n"
        return out
    }

    private static func mark(_ gate: GateAnswer) -> String {
        gate.passed ? "ok  " : (gate.blocking ? "FAIL" : "warn")
    }

    private static func time(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
