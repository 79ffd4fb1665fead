import TernCore

/// Runs a list of hooks in order within one step, noting each in the audit log and remembering how many finished, so a
/// resumed step starts at the first one that did not.
struct HookSequence {
    let workspace: Workspace
    let journal: OperationJournal

    /// - Parameters:
    ///   - role: `switch` or `rollback`, for messages.
    ///   - step: the step whose facts keep the count.
    /// - Returns: how many hooks have run to completion, earlier attempts included.
    /// - Throws: `TernError` naming the first hook that failed, with its last line of output.
    func run(_ hooks: [HookCommand], role: String, step: String, outcomes: inout [HookOutcome]) async throws -> Int {
        var done = await journal.facts(step, as: CutoverFacts.self)?.hooksRun ?? 0
        for (position, hook) in hooks.enumerated() where position >= done {
            let outcome = try await workspace.runHook(hook)
            outcomes.append(outcome)
            try await journal.note(step: step, event: "hook", detail: outcome.summary)
            guard outcome.succeeded else {
                throw TernError(.failedChecks, "the \(role) hook \(hook.origin) \(outcome.summary)")
            }
            done = position + 1
            try await journal.saveFacts(step, CutoverFacts(hooksRun: done))
        }
        return done
    }
}
