import TernCore

/// The result of `tern cutover`, `tern rollback`, `tern decommission` or `tern migrate`.
public struct OperationOutcome: Sendable, Encodable {
    public var operation: OperationRecord
    /// One sentence for people.
    public var message: String
    /// Preconditions and gates, with their answers.
    public var gates: [GateAnswer]
    /// Hooks that ran, with their output.
    public var hooks: [HookOutcome]
    /// Things the operator still owns (decommission), or should look at.
    public var checklist: [String]
    /// 0 when it completed (or there was nothing to do); otherwise what stopped it: 1 for a failed gate or step, 3 when a
    /// cluster could not be reached.
    public var exitCode: TernExitCode
    public var ok: Bool { exitCode == .success }

    public init(
        operation: OperationRecord, ok: Bool, message: String, gates: [GateAnswer] = [], hooks: [HookOutcome] = [],
        checklist: [String] = [], exitCode: TernExitCode? = nil
    ) {
        self.exitCode = ok ? .success : (exitCode ?? .failure)
        self.operation = operation
        self.message = message
        self.gates = gates
        self.hooks = hooks
        self.checklist = checklist
    }

    enum CodingKeys: String, CodingKey {
        case operation, ok, message, gates, hooks, checklist
        case exitCode = "exit_code"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(operation, forKey: .operation)
        try container.encode(ok, forKey: .ok)
        try container.encode(exitCode, forKey: .exitCode)
        try container.encode(message, forKey: .message)
        try container.encode(gates, forKey: .gates)
        try container.encode(hooks, forKey: .hooks)
        try container.encode(checklist, forKey: .checklist)
    }
}
