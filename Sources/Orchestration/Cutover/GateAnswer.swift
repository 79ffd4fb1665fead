import TernCore

/// One gate's answer: a precondition of cutover, or what the dry run found.
public struct GateAnswer: Sendable, Codable, Equatable {
    public var gate: String
    public var passed: Bool
    /// A failed blocking gate stops the operation; a non-blocking one is a warning.
    public var blocking: Bool
    public var detail: String
    /// For a gate that failed on an error: the exit code it means (3 for a cluster that cannot be reached).
    public var exitCode: TernExitCode?

    public init(gate: String, passed: Bool, blocking: Bool = true, detail: String, exitCode: TernExitCode? = nil) {
        self.gate = gate
        self.passed = passed
        self.blocking = blocking
        self.detail = detail
        self.exitCode = exitCode
    }

    enum CodingKeys: String, CodingKey {
        case gate, passed, blocking, detail
        case exitCode = "exit_code"
    }
}
