/// The steps of one kind of operation, in plan order (``CutoverStep``, ``RollbackStep``, ``MigrateStep``,
/// ``DecommissionStep``).
///
/// The raw values are the words the state store keeps in `operation_step.step`, the audit log's `step` and `--json`
/// print: they never change, so a state folder an earlier Tern wrote still reads.
public protocol OperationStepName: RawRepresentable<String>, Sendable, Hashable, CaseIterable, Codable
where AllCases == [Self] {
    /// The operations these are the steps of.
    static var operationKind: OperationKind { get }
}

extension OperationStepName {
    /// The step's place in the plan: the column `position`, which orders the steps of a recorded operation.
    public var position: Int {
        guard let index = Self.allCases.firstIndex(of: self) else { preconditionFailure("\(self) is not among its own cases") }
        return index
    }
}
