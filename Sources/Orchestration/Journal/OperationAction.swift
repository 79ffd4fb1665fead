import TernCore

/// What a state machine of an operation (``CutoverStateMachine``, ``RollbackStateMachine``) asks of its runner after
/// an event: journal entries to write, in order, then one piece of work whose result is the next event, or the end.
public struct OperationAction<Step: OperationStepName, Work: Sendable & Equatable>: Sendable, Equatable {
    public enum Next: Sendable, Equatable {
        /// Do this (HTTP, a hook, a replay) and tell the machine how it went.
        case work(Work)
        /// Stop: the machine has nothing more to ask.
        case finish(OperationEnding)
    }

    /// Written first, in order.
    public var record: [JournalEntry<Step>]
    public var next: Next

    public init(record: [JournalEntry<Step>] = [], next: Next) {
        self.record = record
        self.next = next
    }
}

/// How an operation ends, as its state machine decided.
public enum OperationEnding: Sendable, Equatable {
    /// The command prints the outcome with this message and exits with this code (0: it did what was asked).
    case outcome(TernExitCode, message: String)
    /// The command fails with this error; the operation is left to be resumed (or its abort to be finished).
    case error(TernError)

    /// The outcome the command prints, or the error it throws.
    func outcome<Step>(journal: OperationJournal<Step>, gates: [GateAnswer], hooks: [HookOutcome]) async throws
        -> OperationOutcome
    {
        switch self {
        case .outcome(let exitCode, let message):
            return OperationOutcome(
                operation: await journal.operation, ok: exitCode == .success, message: message, gates: gates, hooks: hooks,
                exitCode: exitCode)
        case .error(let error):
            throw error
        }
    }
}

/// Runs a state machine's actions until it finishes: writes each action's journal entries, performs its work and
/// hands the result to the machine (`perform` does both), until the machine ends.
/// - Throws: a state-store error (the operation stays unfinished and resumes at the next start), or
///   `CancellationError` when the work was cancelled (the step stays `running`, so the next start repeats it).
func runActions<Step, Work>(
    _ first: OperationAction<Step, Work>, journal: OperationJournal<Step>,
    perform: (Work) async throws -> OperationAction<Step, Work>
) async throws -> OperationEnding {
    var action = first
    while true {
        for entry in action.record { try await journal.record(entry) }
        switch action.next {
        case .finish(let ending): return ending
        case .work(let work): action = try await perform(work)
        }
    }
}

/// The event that reports `work`: what it returned, or, when it threw, the event `failed` makes of the error's reason
/// (for a longer sentence, without its final full stop) and the exit code it means. Cancellation is not a failure: it
/// is thrown on, so the step stays `running` and the next start repeats it.
func event<Event>(
    of work: () async throws -> Event, failed: (_ reason: String, _ exitCode: TernExitCode) -> Event
) async throws -> Event {
    do {
        return try await work()
    } catch is CancellationError {
        throw CancellationError()
    } catch {
        return failed(TernError.reason(of: error), TernError.exitCode(of: error))
    }
}
