import Foundation
import GRDB

/// One operation that changes both clusters (`migrate`, `cutover`, `rollback`, `decommission`), as the state store keeps it.
public struct OperationRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Started and not finished: still running, or stopped by a kill (the next start resumes it).
        case running
        case completed
        /// Stopped on purpose by a failed gate, with the clusters put back as they were before it started.
        case aborted
        /// Stopped by an error it could not undo; the detail says what to do.
        case failed
    }

    public var id: Int64
    public var kind: OperationKind
    public var status: Status
    /// Who ran it: `user@host`.
    public var actor: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// One sentence: the outcome, or why it stopped.
    public var detail: String
    public var steps: [OperationStep]

    public init(
        id: Int64, kind: OperationKind, status: Status, actor: String, startedAt: Date, finishedAt: Date? = nil, detail: String = "",
        steps: [OperationStep] = []
    ) {
        self.id = id
        self.kind = kind
        self.status = status
        self.actor = actor
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.detail = detail
        self.steps = steps
    }

    /// The step, if it was started; nil for a step of another kind of operation.
    public func step<Step: OperationStepName>(_ step: Step) -> OperationStep? {
        guard kind == Step.operationKind else { return nil }
        return steps.first { $0.name == step.rawValue }
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, status, actor, detail, steps
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

extension OperationRecord {
    /// Nil for a kind this build does not know: only a newer Tern could have written it, and it adds a schema
    /// migration, so a database that holds one is refused when opened.
    init?(row: Row, steps: [OperationStep]) {
        guard let kind = OperationKind(rawValue: row["kind"]) else { return nil }
        self.init(
            id: row["id"], kind: kind, status: Status(rawValue: row["status"]) ?? .running, actor: row["actor"],
            startedAt: row["started_at"], finishedAt: row["finished_at"], detail: row["detail"], steps: steps)
    }
}
