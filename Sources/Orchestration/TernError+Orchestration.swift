import TernCore

extension TernError.Kind {
    /// A step of an operation failed; the error's exit code follows the step's cause.
    public static let stepFailed = TernError.Kind("step-failed", exitCode: .failure)
    /// A cutover's abort could not put the source back in charge.
    public static let abortFailed = TernError.Kind("abort-failed", exitCode: .failure)
    /// `tern migrate`'s check found no possible strategy or could not reach a cluster.
    public static let checkFailed = TernError.Kind("check", exitCode: .failure)
}
