/// The steps of `tern migrate`, in order.
public enum MigrateStep: String, OperationStepName {
    /// Both clusters reachable and a strategy possible (as `tern check`).
    case check
    /// Templates, indices and aliases created on the target (as `tern metadata migrate`).
    case metadata
    /// Every document copied (as `tern backfill`), resumable.
    case backfill
    /// The capture log applied to the target to its current end (as `tern replay --until-drained`).
    case replay
    /// Every document compared (as `tern validate`); with `--cutover` the gate does it with writes held.
    case validate
    /// With `--cutover` only (as `tern cutover`).
    case cutover

    public static let operationKind = OperationKind.migrate
}
