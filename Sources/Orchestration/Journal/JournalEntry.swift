/// One write a state machine asks of the journal. The machine's runner performs them in order, each on disk before the
/// next, and only then the work that follows; so a `kill -9` loses at most the work that was running.
public enum JournalEntry<Step: OperationStepName>: Sendable, Equatable {
    /// The step starts (or starts again, when resumed: the facts an earlier attempt saved are kept).
    case started(Step)
    /// What a resumed attempt, an abort or a rollback must know, saved before the step changes a cluster.
    case facts(Step, StepFacts)
    /// A hook of the step ran; its summary goes to the audit log.
    case hookRan(Step, summary: String)
    /// The step ended: done, skipped (nothing to do) or failed.
    case finished(Step, OperationStep.Status, detail: String)
    /// The operation ended.
    case completed(OperationRecord.Status, detail: String)
}
