import Foundation
import Logging
import State
import TernCore

/// Records one operation step by step in the state store and the audit log, and tells a resumed operation which
/// steps are already done. Every change is on disk before the caller moves on, so a `kill -9` loses at most the step
/// that was running, which the next start repeats (steps are idempotent).
public actor OperationJournal {
    public let store: StateStore
    public let audit: AuditLog
    public private(set) var operation: OperationRecord
    /// True when an unfinished operation of the same kind was picked up.
    public let resumed: Bool
    /// `cutover`, `rollback`, ...: the operation's kind, which never changes.
    public let kind: String
    private let logger: Logger

    private init(store: StateStore, audit: AuditLog, operation: OperationRecord, resumed: Bool, logger: Logger) {
        self.store = store
        self.audit = audit
        self.operation = operation
        self.resumed = resumed
        self.kind = operation.kind
        self.logger = logger
    }

    /// Starts an operation of `kind`, or resumes the unfinished one.
    /// - Parameters:
    ///   - store: The process's one state store.
    ///   - stateDirectory: The folder of the store, where the audit log is kept beside it.
    public static func begin(kind: String, store: StateStore, stateDirectory: String, logger: Logger) async throws -> OperationJournal {
        let audit = AuditLog(stateDirectory: stateDirectory)
        let (operation, resumed) = try await store.beginOperation(kind: kind, actor: OperatorIdentity.current)
        let journal = OperationJournal(store: store, audit: audit, operation: operation, resumed: resumed, logger: logger)
        try await journal.note(step: nil, event: resumed ? "resumed" : "started", detail: resumed ? "resuming \(kind) \(operation.id)" : "")
        return journal
    }

    public func isDone(_ step: String) -> Bool {
        guard let status = operation.step(step)?.status else { return false }
        return status == .done || status == .skipped
    }

    /// Whether the step was ever started (by this attempt or an earlier one).
    public func wasStarted(_ step: String) -> Bool { operation.step(step) != nil }

    /// The facts a step saved, decoded.
    public func facts<T: Decodable>(_ step: String, as type: T.Type) -> T? {
        guard let text = operation.step(step)?.facts else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    /// Runs one step: recorded as started, then as the status `body` returns with its detail, or as failed with the
    /// error's reason. A cancelled step stays `running`, so the next start repeats it.
    /// - Throws: `StepFailure` (the reason and exit code of what failed), `CancellationError`, or a state-store error.
    nonisolated func perform(
        _ step: String, position: Int, _ body: () async throws -> (OperationStep.Status, String)
    ) async throws {
        try await start(step, position: position)
        let status: OperationStep.Status
        let detail: String
        do {
            (status, detail) = try await body()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let reason = TernError.reason(of: error)
            try await finish(step, .failed, detail: reason)
            throw StepFailure(step: step, reason: reason, exitCode: TernError.exitCode(of: error))
        }
        CrashPoint.reached("\(kind).\(step)")
        try await finish(step, status, detail: detail)
    }

    public func start(_ step: String, position: Int) async throws {
        try await store.startStep(operation: operation.id, name: step, position: position)
        upsert(step, position: position) { $0.status = .running }
        logger.notice("\(operation.kind): \(step)")
        try note(step: step, event: "started", detail: "")
    }

    /// Saves what a resumed attempt of `step` must know, before the step changes a cluster.
    public func saveFacts<T: Encodable>(_ step: String, _ facts: T) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(facts), as: UTF8.self)
        try await store.saveStepFacts(operation: operation.id, name: step, facts: text)
        upsert(step, position: operation.step(step)?.position ?? operation.steps.count) { $0.facts = text }
    }

    public func finish(_ step: String, _ status: OperationStep.Status, detail: String) async throws {
        try await store.finishStep(operation: operation.id, name: step, status: status, detail: detail)
        upsert(step, position: operation.step(step)?.position ?? operation.steps.count) {
            $0.status = status
            $0.detail = detail
            $0.finishedAt = Date()
        }
        try note(step: step, event: status.rawValue, detail: detail)
    }

    public func complete(_ status: OperationRecord.Status, detail: String) async throws {
        try await store.finishOperation(operation.id, status: status, detail: detail)
        operation.status = status
        operation.detail = detail
        operation.finishedAt = Date()
        try note(step: nil, event: status.rawValue, detail: detail)
    }

    /// An event that is not a step change (a hook's output, a warning).
    public func note(step: String?, event: String, detail: String) throws {
        try audit.append(
            AuditLog.Event(
                time: Date(), actor: operation.actor, operation: operation.kind, operationID: operation.id, step: step, event: event,
                detail: detail))
    }

    private func upsert(_ step: String, position: Int, _ change: (inout OperationStep) -> Void) {
        if let index = operation.steps.firstIndex(where: { $0.name == step }) {
            change(&operation.steps[index])
        } else {
            var new = OperationStep(name: step, position: position, status: .running, startedAt: Date())
            change(&new)
            operation.steps.append(new)
        }
    }
}
