extension TernError {
    /// What went wrong, for embedding in a longer sentence: the error's message without its final full stop.
    public static func reason(of error: any Error) -> String {
        let message = (error as? TernError)?.message ?? "\(error)"
        return message.hasSuffix(".") ? String(message.dropLast()) : message
    }

    /// The exit code an error means: its kind's for a `TernError`, else 1.
    public static func exitCode(of error: any Error) -> TernExitCode {
        (error as? TernError)?.exitCode ?? .failure
    }
}
