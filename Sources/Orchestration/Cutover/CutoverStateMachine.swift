import Capture
import Metadata
import TernCore

/// The decisions of `tern cutover`, without I/O: which step comes next, what a resumed cutover skips, when to abort and
/// what the abort must undo.
///
/// The runner feeds it events (the cutover started or resumed with what its journal recorded, a piece of work done or
/// failed, a hook finished) and performs the ``Action`` each one returns: journal entries to write, in order, then one
/// piece of ``Work`` whose result is the next event, or the end. A cutover killed at any moment is an event too: the
/// next start feeds what the journal recorded, and the machine picks up where that left off.
///
/// - The steps run in ``CutoverStep/sequence`` order; a step the journal records as done or skipped is not run again.
///   A step recorded as running or failed (killed before its end was written) runs again: every step is idempotent.
/// - `block-source` saves the indices it is about to block before it blocks them, leaving out those that already had
///   a write block (the operator's own), so a resumed attempt, an abort or a rollback removes only this cutover's.
/// - `switch-monitors` saves the monitor pairs it is about to switch before it switches them, so an abort or a rollback
///   puts back exactly those (not monitors the operator had disabled on the source).
/// - A failed gate, hook or step aborts: switched monitors go back to the source, the proxy routes to the source again,
///   this cutover's write blocks are removed, and the rollback hooks run when the switch hooks may have (the step `switch-clients` started). The
///   abort is the step ``CutoverStep/abort``; a cutover that recorded it is never resumed forwards, the next start
///   finishes the abort instead (and `tern rollback` finishes it too). A failed precondition aborts with nothing to
///   undo: nothing was changed yet.
public struct CutoverStateMachine: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Clients write through the tern proxy, which can hold their writes and route them to either cluster.
        public var proxy: Bool
        /// `cutover.hooks.switch`: commands that move clients to the target, in order.
        public var switchHooks: [HookCommand]
        /// `cutover.hooks.rollback`: commands that move them back, run when an abort undoes the switch hooks.
        public var rollbackHooks: [HookCommand]
        /// The target follows the source by cross-cluster replication: the drain stops the followers, which an abort
        /// cannot start again.
        public var replication: Bool

        public init(proxy: Bool, switchHooks: [HookCommand] = [], rollbackHooks: [HookCommand] = [], replication: Bool = false) {
            self.proxy = proxy
            self.switchHooks = switchHooks
            self.rollbackHooks = rollbackHooks
            self.replication = replication
        }
    }

    /// What the runner does between two events; each names the event that reports it.
    public enum Work: Sendable, Equatable {
        /// Check every precondition: ``Event/gatesAnswered(_:)``.
        case checkPreconditions
        /// The proxy holds new writes; wait until none is in flight: ``Event/writesHeld(waiting:)``.
        case holdWrites
        /// The open source indices of the selection, and those of them that have a write block already:
        /// ``Event/sourceIndicesListed(open:alreadyBlocked:)``.
        case listSourceIndices
        /// Put the write block on these source indices: ``Event/writeBlockSet``.
        case setWriteBlock([String])
        /// Replay the capture log to its end: ``Event/drained(_:detail:)``.
        case drain
        /// The validation gate: ``Event/validated(detail:)``, or ``Event/failed(reason:exitCode:)`` on differences.
        case validate
        /// Run one hook: ``Event/hookFinished(_:)``.
        case runHook(HookCommand)
        /// Have the proxy route clients to this side: ``Event/routed``.
        case route(ProxyMode)
        /// Remove the write block from these source indices: ``Event/writeBlockRemoved``.
        case removeWriteBlock([String])
        /// The source's enabled monitors and their counterparts on the target: ``Event/monitorsListed(_:detail:)``.
        case listMonitors
        /// Enable these monitors on the target, then disable them on the source: ``Event/monitorsSwitched``.
        case switchMonitors([MonitorPair])
        /// Enable these monitors on the source, then disable them on the target: ``Event/monitorsRestored``.
        case restoreMonitors([MonitorPair])
    }

    public enum Event: Sendable, Equatable {
        /// `tern cutover` started: a new cutover (nothing recorded), or an unfinished one resumed with the steps its
        /// journal recorded (statuses and facts), wherever the last attempt stopped, a kill included.
        case started(recorded: [OperationStep])
        /// `tern rollback` found this cutover unfinished: abort it, whatever step it reached.
        case rollbackRequested(recorded: [OperationStep], cutoverID: Int64)
        /// Every precondition's answer.
        case gatesAnswered([GateAnswer])
        /// The proxy holds writes and none is in flight; `waiting` are held.
        case writesHeld(waiting: Int64)
        /// The open source indices the selection names, and those of them that already have a write block.
        case sourceIndicesListed(open: [String], alreadyBlocked: Set<String>)
        case writeBlockSet
        /// The drain ended: done, or skipped when there is no capture log to replay.
        case drained(OperationStep.Status, detail: String)
        /// The validation gate passed.
        case validated(detail: String)
        case hookFinished(HookOutcome)
        case routed
        case writeBlockRemoved
        /// The monitors to switch (none when the source has no Alerting plugin or no enabled monitor), and what was
        /// left alone, for the step's detail (empty when nothing was).
        case monitorsListed([MonitorPair], detail: String)
        case monitorsSwitched
        case monitorsRestored
        /// The work failed: its reason (without the final full stop) and the exit code it means.
        case failed(reason: String, exitCode: TernExitCode)
    }

    public typealias Action = OperationAction<CutoverStep, Work>
    typealias Entry = JournalEntry<CutoverStep>

    private enum State: Sendable {
        case idle
        /// A step of the sequence waits for its work.
        case running(CutoverStep, Work)
        /// The abort waits for its work.
        case aborting(Abort, Work)
        case finished
    }

    private struct Abort: Sendable {
        enum Cause: Sendable {
            /// A step failed: the outcome has the failure's exit code.
            case failure(TernExitCode)
            /// An earlier attempt began the abort; this one finishes it.
            case earlierAttempt
            /// `tern rollback` asked for it: for the rollback, the source in charge again is success.
            case rollback(cutoverID: Int64)
        }

        enum Phase: Sendable {
            case monitors, route, unblock, hooks, done
        }

        var reason: String
        var cause: Cause
        var phase = Phase.monitors
        /// For the detail: what this attempt put back.
        var undone: [String] = []
    }

    public let configuration: Configuration
    private var state = State.idle
    /// How each step started so far stands, by earlier attempts or this one.
    private var statuses: [CutoverStep: OperationStep.Status] = [:]
    /// The indices this cutover blocks, once saved (before they are blocked).
    private var blockedIndices: [String]?
    /// The monitors this cutover switches, once saved (before they are switched).
    private var switchedMonitors: [MonitorPair]?
    /// What `switch-monitors` left alone, for its detail.
    private var monitorsLeftAlone = ""
    /// Of the indices `block-source` listed, those that had a write block already, for its detail.
    private var operatorBlocks = 0
    private var switchHooks: HookProgress
    private var rollbackHooks: HookProgress
    /// The gates this attempt checked, for the outcome.
    public private(set) var gates: [GateAnswer] = []
    /// The hooks this attempt ran, for the outcome.
    public private(set) var hooks: [HookOutcome] = []

    public init(configuration: Configuration) {
        self.configuration = configuration
        switchHooks = HookProgress(configuration.switchHooks, role: .switch, done: nil)
        rollbackHooks = HookProgress(configuration.rollbackHooks, role: .rollback, done: nil)
    }

    /// Takes one event and says what to do next.
    public mutating func receive(_ event: Event) -> Action {
        switch (state, event) {
        case (.idle, .started(let recorded)):
            load(recorded)
            if statuses[.abort] != nil {
                return abort(reason: "finishing the abort of an earlier attempt", cause: .earlierAttempt)
            }
            return advance(after: nil)

        case (.idle, .rollbackRequested(let recorded, let cutoverID)):
            load(recorded)
            return abort(reason: "rolled back by tern rollback", cause: .rollback(cutoverID: cutoverID))

        case (.running(.preconditions, .checkPreconditions), .gatesAnswered(let answers)):
            gates = answers
            let failed = answers.filter { !$0.passed && $0.blocking }
            guard failed.isEmpty else {
                // The worst exit code among the failures: 3 when a cluster cannot be reached, else 1.
                let exitCode = failed.compactMap(\.exitCode).max { $0.rawValue < $1.rawValue } ?? .failure
                return fail(
                    .preconditions, reason: sentence(failed.map { "\($0.gate): \($0.detail)" }.joined(separator: "; ")),
                    exitCode: exitCode)
            }
            return finish(.preconditions, .done, detail: answers.map { "\($0.gate): \($0.detail)" }.joined(separator: "; "))

        case (.running(.holdWrites, .holdWrites), .writesHeld(let waiting)):
            return finish(.holdWrites, .done, detail: "the proxy holds writes; none in flight, \(waiting) waiting")

        case (.running(.blockSource, .listSourceIndices), .sourceIndicesListed(let open, let alreadyBlocked)):
            guard !open.isEmpty else {
                return fail(
                    .blockSource, reason: "no open source index matches the selection, so nothing can be cut over", exitCode: .failure)
            }
            let ours = open.filter { !alreadyBlocked.contains($0) }
            operatorBlocks = open.count - ours.count
            blockedIndices = ours
            // Saved before the block exists, so a resumed or aborted attempt never mistakes our block for the operator's.
            return block(ours, record: [.facts(.blockSource, StepFacts(blockedIndices: ours))])

        case (.running(.blockSource, .setWriteBlock(let indices)), .writeBlockSet):
            return finish(.blockSource, .done, detail: blockDetail(indices.count))

        case (.running(.drain, .drain), .drained(let status, let detail)):
            return finish(.drain, status, detail: detail)

        case (.running(.validate, .validate), .validated(let detail)):
            return finish(.validate, .done, detail: detail)

        case (.running(.switchClients, .runHook), .hookFinished(let outcome)):
            hooks.append(outcome)
            let record: [Entry] = [.hookRan(.switchClients, summary: outcome.summary)]
            if let reason = switchHooks.finished(outcome) {
                return fail(.switchClients, reason: reason, exitCode: .failure, record: record)
            }
            return switchClients(record: record + [.facts(.switchClients, StepFacts(hooksRun: switchHooks.done))])

        case (.running(.switchClients, .route(.target)), .routed):
            let ran = switchHooks.done
            return finish(.switchClients, .done, detail: "the proxy routes to the target\(ran > 0 ? "; \(ran) switch hooks ran" : "")")

        case (.running(.switchMonitors, .listMonitors), .monitorsListed(let pairs, let detail)):
            monitorsLeftAlone = detail
            guard !pairs.isEmpty else {
                return finish(.switchMonitors, .skipped, detail: detail.isEmpty ? "no monitor to switch" : "no monitor switched: \(detail)")
            }
            switchedMonitors = pairs
            return run(
                .switchMonitors, .switchMonitors(pairs), record: [.facts(.switchMonitors, StepFacts(monitors: pairs))])

        case (.running(.switchMonitors, .switchMonitors(let pairs)), .monitorsSwitched):
            let left = monitorsLeftAlone.isEmpty ? "" : "; left alone: \(monitorsLeftAlone)"
            return finish(
                .switchMonitors, .done, detail: "\(pairs.count) monitors enabled on the target and disabled on the source\(left)")

        case (.running(let step, _), .failed(let reason, let exitCode)):
            return fail(step, reason: reason, exitCode: exitCode)

        case (.aborting(var abort, .restoreMonitors(let pairs)), .monitorsRestored):
            abort.undone.append("\(pairs.count) monitors enabled on the source again")
            return continueAbort(abort)

        case (.aborting(var abort, .route(.source)), .routed):
            abort.undone.append("the proxy routes to the source")
            return continueAbort(abort)

        case (.aborting(var abort, .removeWriteBlock(let indices)), .writeBlockRemoved):
            abort.undone.append("write block removed from \(indices.count) source indices")
            return continueAbort(abort)

        case (.aborting(let abort, .runHook), .hookFinished(let outcome)):
            hooks.append(outcome)
            let record: [Entry] = [.hookRan(.abort, summary: outcome.summary)]
            if let problem = rollbackHooks.finished(outcome) {
                return abortFailed(abort, problem: problem, exitCode: .failure, record: record)
            }
            return continueAbort(abort, record: record + [.facts(.abort, StepFacts(hooksRun: rollbackHooks.done))])

        case (.aborting(let abort, _), .failed(let problem, let exitCode)):
            return abortFailed(abort, problem: problem, exitCode: exitCode)

        default:
            preconditionFailure("cutover state machine: \(event) does not answer \(state)")
        }
    }

    // MARK: The sequence

    private mutating func load(_ recorded: [OperationStep]) {
        var facts: [CutoverStep: StepFacts] = [:]
        for step in recorded {
            guard let name = step.name(as: CutoverStep.self) else { continue }
            statuses[name] = step.status
            facts[name] = step.savedFacts
        }
        blockedIndices = facts[.blockSource]?.blockedIndices
        switchedMonitors = facts[.switchMonitors]?.monitors
        switchHooks = HookProgress(configuration.switchHooks, role: .switch, done: facts[.switchClients]?.hooksRun)
        rollbackHooks = HookProgress(configuration.rollbackHooks, role: .rollback, done: facts[.abort]?.hooksRun)
    }

    private func isDone(_ step: CutoverStep) -> Bool {
        statuses[step] == .done || statuses[step] == .skipped
    }

    /// Starts the first step after `previous` (or the first of all) that is not done, or completes the cutover.
    private mutating func advance(after previous: CutoverStep?, record: [Entry] = []) -> Action {
        var record = record
        let first = previous.flatMap { CutoverStep.sequence.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        for step in CutoverStep.sequence[first...] where !isDone(step) {
            record.append(.started(step))
            statuses[step] = .running
            switch step {
            case .preconditions:
                return run(.preconditions, .checkPreconditions, record: record)
            case .holdWrites:
                if configuration.proxy { return run(.holdWrites, .holdWrites, record: record) }
                let detail = "no proxy: writes that reach the source directly fail on the write block from now on"
                record.append(.finished(.holdWrites, .skipped, detail: detail))
                statuses[.holdWrites] = .skipped
            case .blockSource:
                // A resumed attempt blocks what the first one saved: the operator's blocks were left out then.
                guard let saved = blockedIndices else { return run(.blockSource, .listSourceIndices, record: record) }
                operatorBlocks = 0
                return block(saved, record: record)
            case .drain:
                return run(.drain, .drain, record: record)
            case .validate:
                return run(.validate, .validate, record: record)
            case .switchClients:
                return switchClients(record: record)
            case .switchMonitors:
                // A resumed attempt switches what the first one saved: the source's monitors may be disabled by now.
                guard let saved = switchedMonitors else { return run(.switchMonitors, .listMonitors, record: record) }
                return run(.switchMonitors, .switchMonitors(saved), record: record)
            case .abort:
                preconditionFailure("the abort is not a step of the sequence")
            }
        }
        let detail = configuration.proxy ? "the proxy routes clients to the target" : "the switch hooks moved clients to the target"
        record.append(.completed(.completed, detail: detail))
        state = .finished
        return Action(record: record, next: .finish(.outcome(.success, message: "Cutover complete: \(detail).")))
    }

    private mutating func run(_ step: CutoverStep, _ work: Work, record: [Entry]) -> Action {
        state = .running(step, work)
        return Action(record: record, next: .work(work))
    }

    private mutating func finish(_ step: CutoverStep, _ status: OperationStep.Status, detail: String, record: [Entry] = []) -> Action {
        statuses[step] = status
        return advance(after: step, record: record + [.finished(step, status, detail: detail)])
    }

    private mutating func block(_ indices: [String], record: [Entry]) -> Action {
        guard !indices.isEmpty else { return finish(.blockSource, .done, detail: blockDetail(0), record: record) }
        return run(.blockSource, .setWriteBlock(indices), record: record)
    }

    private func blockDetail(_ count: Int) -> String {
        "write block on \(count) source indices\(operatorBlocks > 0 ? " (\(operatorBlocks) had one already)" : "")"
    }

    /// The switch hooks not run yet, one at a time, then the proxy routes to the target.
    private mutating func switchClients(record: [Entry]) -> Action {
        if let hook = switchHooks.next { return run(.switchClients, .runHook(hook), record: record) }
        if configuration.proxy { return run(.switchClients, .route(.target), record: record) }
        return finish(.switchClients, .done, detail: "\(switchHooks.done) switch hooks ran", record: record)
    }

    private mutating func fail(_ step: CutoverStep, reason: String, exitCode: TernExitCode, record: [Entry] = []) -> Action {
        var record = record + [.finished(step, .failed, detail: reason)]
        statuses[step] = .failed
        guard step != .preconditions else {
            // Nothing was changed yet: nothing to restore.
            record.append(.completed(.aborted, detail: reason))
            state = .finished
            return Action(record: record, next: .finish(.outcome(Self.failure(exitCode), message: "Cutover not started: \(reason).")))
        }
        return abort(reason: "\(step.rawValue): \(reason)", cause: .failure(exitCode), record: record)
    }

    // MARK: The abort

    private mutating func abort(reason: String, cause: Abort.Cause, record: [Entry] = []) -> Action {
        statuses[.abort] = .running
        return continueAbort(Abort(reason: reason, cause: cause), record: record + [.started(.abort)])
    }

    /// The next thing the abort undoes: the routing, this cutover's write blocks, the switch hooks; then its end.
    private mutating func continueAbort(_ abort: Abort, record: [Entry] = []) -> Action {
        var abort = abort
        while true {
            switch abort.phase {
            case .monitors:
                abort.phase = .route
                if let pairs = switchedMonitors, !pairs.isEmpty { return undo(abort, .restoreMonitors(pairs), record: record) }
            case .route:
                abort.phase = .unblock
                if configuration.proxy { return undo(abort, .route(.source), record: record) }
            case .unblock:
                abort.phase = .hooks
                if let blocked = blockedIndices, !blocked.isEmpty { return undo(abort, .removeWriteBlock(blocked), record: record) }
            case .hooks:
                // Switch hooks may have run once their step started: the rollback hooks undo them.
                if statuses[.switchClients] != nil, let hook = rollbackHooks.next { return undo(abort, .runHook(hook), record: record) }
                abort.phase = .done
            case .done:
                return endAbort(abort, record: record)
            }
        }
    }

    private mutating func undo(_ abort: Abort, _ work: Work, record: [Entry]) -> Action {
        state = .aborting(abort, work)
        return Action(record: record, next: .work(work))
    }

    private mutating func endAbort(_ abort: Abort, record: [Entry]) -> Action {
        var undone = abort.undone
        if statuses[.switchClients] != nil && rollbackHooks.done > 0 { undone.append("\(rollbackHooks.done) rollback hooks ran") }
        var detail = undone.isEmpty ? "nothing had changed" : undone.joined(separator: ", ")
        if configuration.replication, statuses[.drain] != nil {
            // The drain may have stopped the followers; the plugin cannot resume a stopped one.
            detail +=
                "; replication may be stopped, and a stopped follower cannot resume: check tern ccr status, and to follow again delete the followers and run tern ccr start (or keep the target in sync with tern proxy and tern replay)"
        }
        statuses[.abort] = .done
        state = .finished
        let record = record + [.finished(.abort, .done, detail: detail), .completed(.aborted, detail: abort.reason)]
        let message = "Cutover aborted: \(abort.reason). The source takes writes again (\(detail))."
        let ending: OperationEnding =
            switch abort.cause {
            case .failure(let exitCode): .outcome(Self.failure(exitCode), message: message)
            case .earlierAttempt: .outcome(.failure, message: message)
            case .rollback(let cutoverID): .outcome(.success, message: "Rolled back the unfinished cutover \(cutoverID): \(detail).")
            }
        return Action(record: record, next: .finish(ending))
    }

    private mutating func abortFailed(_ abort: Abort, problem: String, exitCode: TernExitCode, record: [Entry] = []) -> Action {
        statuses[.abort] = .failed
        state = .finished
        let error = TernError(
            .abortFailed,
            "Cutover stopped (\(abort.reason)), and putting the source back failed: \(problem). Fix that, then run tern cutover again to finish the abort (or move clients back by hand).",
            exitCode: exitCode)
        return Action(record: record + [.finished(.abort, .failed, detail: problem)], next: .finish(.error(error)))
    }

    /// An exit code that says the cutover did not happen (never 0).
    private static func failure(_ exitCode: TernExitCode) -> TernExitCode {
        exitCode == .success ? .failure : exitCode
    }
}
