import Foundation
import Metadata
import TernCore

@testable import Orchestration

/// A step as a journal recorded it.
func recorded<Step: OperationStepName>(_ step: Step, _ status: OperationStep.Status, facts: StepFacts? = nil) -> OperationStep {
    OperationStep(
        name: step.rawValue, position: step.position, status: status, startedAt: Date(timeIntervalSince1970: 0),
        facts: try! facts?.json())
}

/// A hook command as tern.yml names it.
func hook(_ command: String, _ origin: String) -> HookCommand {
    HookCommand(command, origin: origin)
}

/// A hook that exited 0.
func succeeded(_ hook: HookCommand) -> HookOutcome {
    HookOutcome(command: hook.command, exitStatus: 0, output: "", seconds: 0.1, timedOut: false)
}

/// A hook that exited with `status`, its last line of output `output`.
func failed(_ hook: HookCommand, status: Int32 = 3, output: String = "not good") -> HookOutcome {
    HookOutcome(command: hook.command, exitStatus: status, output: output, seconds: 0.1, timedOut: false)
}

let passingGates = [
    GateAnswer(gate: "source cluster", passed: true, detail: "7.10.2 reachable"),
    GateAnswer(gate: "target cluster", passed: true, detail: "2.19.1 reachable"),
    GateAnswer(gate: "recent validation", passed: false, blocking: false, detail: "no validation recorded"),
]

/// What a real journal keeps of the entries a machine asks for: the steps with their statuses and facts, and the end.
/// The kill tests stop writing at any entry and start a new machine on what is kept, as the next `tern` start would.
struct MemoryJournal<Step: OperationStepName> {
    var steps: [OperationStep] = []
    var completed: (status: OperationRecord.Status, detail: String)?
    /// Every entry written, in order.
    var entries: [JournalEntry<Step>] = []

    mutating func write(_ entry: JournalEntry<Step>) {
        entries.append(entry)
        switch entry {
        case .started(let step):
            // Started again, an earlier attempt's facts are kept (as the state store's upsert does).
            upsert(step) {
                $0.status = .running
                $0.detail = ""
            }
        case .facts(let step, let facts):
            upsert(step) { $0.facts = try! facts.json() }
        case .hookRan:
            break
        case .finished(let step, let status, let detail):
            upsert(step) {
                $0.status = status
                $0.detail = detail
            }
        case .completed(let status, let detail):
            completed = (status, detail)
        }
    }

    func step(_ step: Step) -> OperationStep? { steps.first { $0.name == step.rawValue } }

    private mutating func upsert(_ step: Step, _ change: (inout OperationStep) -> Void) {
        if let index = steps.firstIndex(where: { $0.name == step.rawValue }) {
            change(&steps[index])
        } else {
            var new = OperationStep(name: step.rawValue, position: step.position, status: .running, startedAt: Date())
            change(&new)
            steps.append(new)
        }
    }
}

/// The clusters, the proxy and the hooks as a cutover and a rollback see them, answering every piece of work.
struct World {
    var mode = "source"
    /// The source indices the selection names, all open.
    var indices = ["a", "b", "c"]
    /// Indices with a write block; "b" is the operator's own.
    var blocked: Set<String> = ["b"]
    /// Commands of the hooks that ran, in order.
    var hooksRun: [String] = []
    /// Hooks that fail when run.
    var failingHooks: Set<String> = []
    /// Whether the validation gate finds differences.
    var validationFails = false
    /// Whether the reverse comparison of a rollback finds differences.
    var reverseDiffers = false
    /// Alerting monitors by id, enabled or not: on the source "disk" (s1) runs and "quiet" (s2) is off; both were
    /// migrated disabled (t1, t2).
    var sourceMonitors = ["s1": true, "s2": false]
    var targetMonitors = ["t1": false, "t2": false]
    /// Whether enabling a monitor on the target fails.
    var monitorSwitchFails = false

    static let disk = MonitorPair(name: "disk", sourceID: "s1", targetID: "t1")

    mutating func perform(_ work: CutoverStateMachine.Work) -> CutoverStateMachine.Event {
        switch work {
        case .checkPreconditions: return .gatesAnswered(passingGates)
        case .holdWrites:
            mode = "hold-writes"
            return .writesHeld(waiting: 0)
        case .listSourceIndices:
            return .sourceIndicesListed(open: indices, alreadyBlocked: blocked.intersection(indices))
        case .setWriteBlock(let names):
            blocked.formUnion(names)
            return .writeBlockSet
        case .drain: return .drained(.done, detail: "replayed to lag 0: 3 exchanges applied in all")
        case .validate:
            return validationFails
                ? .failed(reason: "the validation gate found differences (1 of 300 documents differ)", exitCode: .failure)
                : .validated(detail: "10% of the documents compared: 0 documents differ")
        case .runHook(let hook): return .hookFinished(run(hook))
        case .route(let target):
            mode = target.rawValue
            return .routed
        case .removeWriteBlock(let names):
            blocked.subtract(names)
            return .writeBlockRemoved
        case .listMonitors:
            let pairs = sourceMonitors["s1"] == true ? [Self.disk] : []
            return .monitorsListed(pairs, detail: "")
        case .switchMonitors(let pairs):
            if monitorSwitchFails { return .failed(reason: "the target refused to enable monitor disk", exitCode: .failure) }
            for pair in pairs {
                targetMonitors[pair.targetID] = true
                sourceMonitors[pair.sourceID] = false
            }
            return .monitorsSwitched
        case .restoreMonitors(let pairs):
            restore(pairs)
            return .monitorsRestored
        }
    }

    private mutating func restore(_ pairs: [MonitorPair]) {
        for pair in pairs {
            sourceMonitors[pair.sourceID] = true
            targetMonitors[pair.targetID] = false
        }
    }

    mutating func perform(_ work: RollbackStateMachine.Work) -> RollbackStateMachine.Event {
        switch work {
        case .holdWrites:
            mode = "hold-writes"
            return .writesHeld(waiting: 2)
        case .removeWriteBlock(let names):
            blocked.subtract(names)
            return .writeBlockRemoved
        case .drainBack: return .drainedBack(.done, detail: "the target's writes replayed to the source: 4 written, 1 deleted")
        case .verify: return .verified(passed: !reverseDiffers, summary: reverseDiffers ? "2 documents differ" : "0 documents differ")
        case .runHook(let hook): return .hookFinished(run(hook))
        case .route(let target):
            mode = target.rawValue
            return .routed
        case .restoreMonitors(let pairs):
            restore(pairs)
            return .monitorsRestored
        }
    }

    private mutating func run(_ hook: HookCommand) -> HookOutcome {
        hooksRun.append(hook.command)
        return failingHooks.contains(hook.command) ? failed(hook) : succeeded(hook)
    }
}

extension CutoverStateMachine {
    /// Feeds `events` in order and returns the action for the last one.
    mutating func receive(_ events: [Event]) -> Action {
        var last: Action?
        for event in events { last = receive(event) }
        return last!
    }
}

extension OperationAction {
    /// The work asked for, nil at the end.
    var work: Work? {
        if case .work(let work) = next { return work }
        return nil
    }

    /// The ending, nil while there is work.
    var ending: OperationEnding? {
        if case .finish(let ending) = next { return ending }
        return nil
    }
}

/// A step of a cutover as its journal recorded it.
func cutover(_ step: CutoverStep, _ status: OperationStep.Status, facts: StepFacts? = nil) -> OperationStep {
    recorded(step, status, facts: facts)
}

/// A step of a rollback as its journal recorded it.
func rollback(_ step: RollbackStep, _ status: OperationStep.Status, facts: StepFacts? = nil) -> OperationStep {
    recorded(step, status, facts: facts)
}

/// A step of a migration as its journal recorded it.
func migrate(_ step: MigrateStep, _ status: OperationStep.Status, facts: StepFacts? = nil) -> OperationStep {
    recorded(step, status, facts: facts)
}
