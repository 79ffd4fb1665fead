/// The steps of `tern rollback` after a completed cutover, in order.
public enum RollbackStep: String, OperationStepName {
    /// The proxy holds new writes (they would otherwise reach the target, which is no longer in charge).
    case holdWrites = "hold-writes"
    /// The write blocks the cutover placed on the source are removed.
    case unblockSource = "unblock-source"
    /// The writes the target accepted since the cutover (logged by the proxy in target mode) are replayed to the source.
    case drainBack = "drain-back"
    /// Counts and a sample compared in the reverse direction, target to source, with writes still held.
    case verify
    /// Rollback hooks, then the proxy routes to the source (held writes go there).
    case switchClients = "switch-clients"
    /// The alerting monitors the cutover switched are enabled on the source again and disabled on the target.
    case switchMonitors = "switch-monitors"

    public static let operationKind = OperationKind.rollback
}
