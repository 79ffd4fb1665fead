import Migration

/// The result of `tern cutover`, `tern rollback`, `tern decommission` or `tern migrate`.
public struct OperationOutcome: Sendable, Encodable {
    public var operation: OperationRecord
    /// True when the operation completed (or there was nothing to do).
    public var ok: Bool
    /// One sentence for people.
    public var message: String
    /// Preconditions and gates, with their answers.
    public var gates: [GateAnswer]
    /// Hooks that ran, with their output.
    public var hooks: [HookOutcome]
    /// Things the operator still owns (decommission), or should look at.
    public var checklist: [String]

    public init(
        operation: OperationRecord, ok: Bool, message: String, gates: [GateAnswer] = [], hooks: [HookOutcome] = [],
        checklist: [String] = []
    ) {
        self.operation = operation
        self.ok = ok
        self.message = message
        self.gates = gates
        self.hooks = hooks
        self.checklist = checklist
    }
}
