import Foundation
import Logging
import State
import TernCore

/// Records one operation step by step in the state store and the audit log. Every entry is on disk before the caller
/// moves on, so a `kill -9` loses at most the step that was running, which the next start repeats (steps are
/// idempotent). The journal decides nothing: the operation's state machine says what to record.
public actor OperationJournal<Step: OperationStepName> {
    public let store: StateStore
    public let audit: AuditLog
    public private(set) var operation: OperationRecord
    /// True when an unfinished operation of the same kind was picked up.
    public let resumed: Bool
    private let logger: Logger

    private init(store: StateStore, audit: AuditLog, operation: OperationRecord, resumed: Bool, logger: Logger) {
        self.store = store
        self.audit = audit
        self.operation = operation
        self.resumed = resumed
        self.logger = logger
    }

    /// Starts an operation of the steps' kind, or resumes the unfinished one.
    /// - Parameters:
    ///   - store: The process's one state store.
    ///   - stateDirectory: The folder of the store, where the audit log is kept beside it.
    public static func begin(store: StateStore, stateDirectory: String, logger: Logger) async throws -> OperationJournal {
        let kind = Step.operationKind
        let audit = AuditLog(stateDirectory: stateDirectory)
        let (operation, resumed) = try await store.beginOperation(kind: kind, actor: OperatorIdentity.current)
        let journal = OperationJournal(store: store, audit: audit, operation: operation, resumed: resumed, logger: logger)
        try await journal.note(
            step: nil, event: resumed ? "resumed" : "started", detail: resumed ? "resuming \(kind.rawValue) \(operation.id)" : "")
        return journal
    }

    /// Writes one entry to the state store and the audit log.
    public func record(_ entry: JournalEntry<Step>) async throws {
        switch entry {
        case .started(let step):
            try await start(step)
        case .facts(let step, let facts):
            try await saveFacts(step, facts)
        case .hookRan(let step, let summary):
            try note(step: step, event: "hook", detail: summary)
        case .finished(let step, let status, let detail):
            // The worst moment for a crash: the step's change is made, its completion not yet recorded.
            if status != .failed { CrashPoint.reached("\(Step.operationKind.rawValue).\(step.rawValue)") }
            try await finish(step, status, detail: detail)
        case .completed(let status, let detail):
            try await complete(status, detail: detail)
        }
    }

    private func start(_ step: Step) async throws {
        try await store.startStep(operation: operation.id, step: step)
        upsert(step) { $0.status = .running }
        logger.notice("\(operation.kind.rawValue): \(step.rawValue)")
        try note(step: step, event: "started", detail: "")
    }

    private func saveFacts(_ step: Step, _ facts: StepFacts) async throws {
        let text = try facts.json()
        try await store.saveStepFacts(operation: operation.id, step: step, facts: text)
        upsert(step) { $0.facts = text }
    }

    private func finish(_ step: Step, _ status: OperationStep.Status, detail: String) async throws {
        try await store.finishStep(operation: operation.id, step: step, status: status, detail: detail)
        upsert(step) {
            $0.status = status
            $0.detail = detail
            $0.finishedAt = Date()
        }
        try note(step: step, event: status.rawValue, detail: detail)
    }

    private func complete(_ status: OperationRecord.Status, detail: String) async throws {
        try await store.finishOperation(operation.id, status: status, detail: detail)
        operation.status = status
        operation.detail = detail
        operation.finishedAt = Date()
        try note(step: nil, event: status.rawValue, detail: detail)
    }

    /// An event that is not a step change (a hook's output).
    private func note(step: Step?, event: String, detail: String) throws {
        try audit.append(
            AuditLog.Event(
                time: Date(), actor: operation.actor, operation: operation.kind, operationID: operation.id, step: step?.rawValue,
                event: event, detail: detail))
    }

    private func upsert(_ step: Step, _ change: (inout OperationStep) -> Void) {
        if let index = operation.steps.firstIndex(where: { $0.name == step.rawValue }) {
            change(&operation.steps[index])
        } else {
            var new = OperationStep(name: step.rawValue, position: step.position, status: .running, startedAt: Date())
            change(&new)
            operation.steps.append(new)
        }
    }
}
