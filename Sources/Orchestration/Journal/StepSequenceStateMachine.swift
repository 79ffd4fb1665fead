import TernCore

/// The decisions of an operation whose steps simply run one after another (`tern migrate`, `tern decommission`),
/// without I/O: which step comes next, what a resumed operation skips, and where it stops.
///
/// A step the journal records as done or skipped is not run again; one recorded as running or failed (killed, or
/// stopped by an error) runs again, since every step is idempotent. The first failure stops the operation and leaves
/// it unfinished, so the next start resumes at that step.
public struct StepSequenceStateMachine<Step: OperationStepName>: Sendable {
    public enum Event: Sendable, Equatable {
        /// The operation started: a new one (nothing recorded), or an unfinished one resumed with the steps its
        /// journal recorded, wherever the last attempt stopped, a kill included.
        case started(recorded: [OperationStep])
        /// The running step ended: done, or skipped when it had nothing to do.
        case stepFinished(OperationStep.Status, detail: String)
        /// The running step failed: its reason (without the final full stop) and the exit code it means.
        case stepFailed(reason: String, exitCode: TernExitCode)
    }

    public struct Action: Sendable, Equatable {
        public enum Next: Sendable, Equatable {
            /// Do the step's work and tell the machine how it ended.
            case run(Step)
            /// Every step is done; the operation is recorded as completed.
            case completed
            /// The step failed; the operation stays unfinished.
            case stopped(at: Step, reason: String, exitCode: TernExitCode)
        }

        /// Written first, in order.
        public var record: [JournalEntry<Step>]
        public var next: Next

        public init(record: [JournalEntry<Step>] = [], next: Next) {
            self.record = record
            self.next = next
        }
    }

    /// The steps to run, in order (`tern migrate` without `--cutover` leaves the cutover out).
    public let steps: [Step]
    /// The detail recorded with the completed operation.
    public let completedDetail: String
    private var statuses: [Step: OperationStep.Status] = [:]
    private var running: Step?
    private var finished = false

    public init(steps: [Step] = Step.allCases, completedDetail: String) {
        self.steps = steps
        self.completedDetail = completedDetail
    }

    /// Takes one event and says what to do next.
    public mutating func receive(_ event: Event) -> Action {
        precondition(!finished, "step sequence: \(event) after the end")
        switch (running, event) {
        case (nil, .started(let recorded)) where statuses.isEmpty:
            for step in recorded {
                if let name = step.name(as: Step.self) { statuses[name] = step.status }
            }
            return advance(record: [])
        case (let step?, .stepFinished(let status, let detail)):
            statuses[step] = status
            return advance(record: [.finished(step, status, detail: detail)])
        case (let step?, .stepFailed(let reason, let exitCode)):
            statuses[step] = .failed
            running = nil
            finished = true
            return Action(record: [.finished(step, .failed, detail: reason)], next: .stopped(at: step, reason: reason, exitCode: exitCode))
        default:
            preconditionFailure("step sequence: \(event) does not answer \(running.map { "step \($0.rawValue)" } ?? "the start")")
        }
    }

    /// Starts the first step after the running one (or the first of all) that is not done, or completes.
    private mutating func advance(record: [JournalEntry<Step>]) -> Action {
        let first = running.flatMap { steps.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        for step in steps[first...] where statuses[step] != .done && statuses[step] != .skipped {
            running = step
            statuses[step] = .running
            return Action(record: record + [.started(step)], next: .run(step))
        }
        running = nil
        finished = true
        return Action(record: record + [.completed(.completed, detail: completedDetail)], next: .completed)
    }
}

extension StepSequenceStateMachine {
    /// Where and why a step sequence stopped.
    public struct Stop: Sendable, Equatable {
        public var step: Step
        public var reason: String
        public var exitCode: TernExitCode
    }

    /// Starts (or resumes) the operation on what `journal` recorded, and performs what the machine asks: its journal
    /// entries, then each step by `perform`, until every step is done or one fails.
    /// - Returns: nil when the operation completed; otherwise the step that failed, why, and the exit code it means.
    /// - Throws: a state-store error, or `CancellationError` (the running step stays unfinished; the next start repeats it).
    mutating func run(
        journal: OperationJournal<Step>, perform: (Step) async throws -> (OperationStep.Status, String)
    ) async throws -> Stop? {
        var action = receive(.started(recorded: await journal.operation.steps))
        while true {
            for entry in action.record { try await journal.record(entry) }
            switch action.next {
            case .run(let step):
                let result: Event = try await event(
                    of: {
                        let (status, detail) = try await perform(step)
                        return .stepFinished(status, detail: detail)
                    }, failed: { .stepFailed(reason: $0, exitCode: $1) })
                action = receive(result)
            case .completed:
                return nil
            case .stopped(let step, let reason, let exitCode):
                return Stop(step: step, reason: reason, exitCode: exitCode)
            }
        }
    }
}
