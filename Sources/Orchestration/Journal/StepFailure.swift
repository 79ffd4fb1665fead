import TernCore

/// A step that failed: its name, the reason (no final full stop, to sit inside a sentence) and the exit code it means.
struct StepFailure: Error {
    var step: String
    var reason: String
    var exitCode: TernExitCode

    /// A `TernError` of the same exit code with `message`.
    func error(_ message: String) -> TernError {
        TernError(TernError.Kind("step-failed", exitCode: exitCode), message)
    }
}
