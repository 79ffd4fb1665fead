import TernCore

/// A list of hooks run in order within one step, across attempts: how many ran to completion (the count the step
/// saves in its facts), and which one runs next, so that a resumed step starts at the first one that did not.
struct HookProgress: Sendable, Equatable {
    enum Role: String, Sendable {
        case `switch`
        case rollback
    }

    let hooks: [HookCommand]
    let role: Role
    /// Hooks that ran to completion, earlier attempts included.
    private(set) var done: Int

    init(_ hooks: [HookCommand], role: Role, done: Int?) {
        self.hooks = hooks
        self.role = role
        self.done = min(max(done ?? 0, 0), hooks.count)
    }

    /// The hook to run next; nil when every one has run.
    var next: HookCommand? { done < hooks.count ? hooks[done] : nil }

    /// Counts the hook that ``next`` named as finished.
    /// - Returns: nil when it succeeded; otherwise why the step fails, naming the hook and its last line of output.
    mutating func finished(_ outcome: HookOutcome) -> String? {
        guard let hook = next else { preconditionFailure("a \(role.rawValue) hook finished, but none was running") }
        guard outcome.succeeded else { return sentence("the \(role.rawValue) hook \(hook.origin) \(outcome.summary)") }
        done += 1
        return nil
    }
}

/// `text` as a reason inside a longer sentence: without its final full stop.
func sentence(_ text: String) -> String {
    text.hasSuffix(".") ? String(text.dropLast()) : text
}
