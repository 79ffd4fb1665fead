import Foundation
import GRDB

/// One step of an operation: when it ran, how it ended, and what a resumed attempt must know of the first.
public struct OperationStep: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case running, done, failed, skipped
    }

    /// The step's word, as the state store keeps it: the raw value of a ``CutoverStep``, ``RollbackStep``,
    /// ``MigrateStep`` or ``DecommissionStep`` (``OperationRecord/step(_:)`` finds a step by its enum).
    public var name: String
    /// Plan order.
    public var position: Int
    public var status: Status
    public var startedAt: Date
    public var finishedAt: Date?
    /// One line for people: what the step found or did.
    public var detail: String
    /// JSON the step saved for a resumed attempt (the indices it blocked, the hooks that ran).
    public var facts: String?

    public init(
        name: String, position: Int, status: Status, startedAt: Date, finishedAt: Date? = nil, detail: String = "", facts: String? = nil
    ) {
        self.name = name
        self.position = position
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.detail = detail
        self.facts = facts
    }

    enum CodingKeys: String, CodingKey {
        case name = "step"
        case position, status, detail
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

extension OperationStep {
    /// The step as an enum of the operation's kind; nil for a step of another kind.
    public func name<Step: OperationStepName>(as type: Step.Type) -> Step? { Step(rawValue: name) }

    /// The facts the step saved, decoded; nil when it saved none (or they do not decode).
    public var savedFacts: StepFacts? {
        guard let facts else { return nil }
        return try? JSONDecoder().decode(StepFacts.self, from: Data(facts.utf8))
    }

    init(row: Row) {
        self.init(
            name: row["step"], position: row["position"], status: Status(rawValue: row["status"]) ?? .running,
            startedAt: row["started_at"], finishedAt: row["finished_at"], detail: row["detail"], facts: row["facts"])
    }
}
