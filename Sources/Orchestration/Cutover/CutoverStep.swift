/// The steps of `tern cutover`: the ``sequence`` in order, and the ``abort`` that undoes them.
public enum CutoverStep: String, OperationStepName {
    /// Backfill complete, replay lag under the bound, clusters reachable, a way to move clients.
    case preconditions
    /// The proxy holds new writes; writes in flight finish and are logged.
    case holdWrites = "hold-writes"
    /// `index.blocks.write` on the migrated source indices, so writes that bypass the proxy fail instead of being lost.
    case blockSource = "block-source"
    /// The replay applies the capture log to the end: the target has every write the source accepted.
    case drain
    /// The validation gate: counts and a sample (every document with `--full`, or without a recent passed validation).
    case validate
    /// Switch hooks, then the proxy routes to the target (held writes go there).
    case switchClients = "switch-clients"
    /// The migrated alerting monitors are enabled on the target and disabled on the source, so alerts come from the
    /// cluster clients write to. Which ones is saved before they are switched, for an abort and a rollback.
    case switchMonitors = "switch-monitors"
    /// Not part of the sequence: recorded when a failed gate, hook or error stops the cutover, and the source is put back
    /// in charge (the proxy routes to it, this cutover's write blocks are removed, rollback hooks undo switch hooks).
    /// A cutover that recorded it is never resumed forwards: the next start finishes the abort.
    case abort

    public static let operationKind = OperationKind.cutover

    /// The steps a cutover runs, in order (every case but ``abort``).
    public static let sequence: [CutoverStep] = [
        .preconditions, .holdWrites, .blockSource, .drain, .validate, .switchClients, .switchMonitors,
    ]

    /// For the dry run: what the step does.
    public var summary: String {
        switch self {
        case .preconditions: "check backfill, replay lag, recent validation, and how clients move"
        case .holdWrites: "proxy holds new writes; wait for writes in flight"
        case .blockSource: "set index.blocks.write on the migrated source indices"
        case .drain: "replay the capture log to lag 0"
        case .validate: "validation gate on both clusters"
        case .switchClients: "run the switch hooks; proxy routes everything to the target"
        case .switchMonitors: "enable the migrated alerting monitors on the target, disable them on the source"
        case .abort:
            "monitors back on the source; proxy routes to the source; remove this cutover's write blocks; run the rollback hooks"
        }
    }
}
