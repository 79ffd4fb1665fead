/// The steps of `tern decommission`, in order.
public enum DecommissionStep: String, OperationStepName {
    /// The write blocks the cutover placed on the source are removed.
    case removeBlocks = "remove-blocks"
    /// Index settings `--fast-load` changed on the target, and a crash kept from being put back, are put back.
    case restoreSettings = "restore-settings"
    /// The capture logs are deleted (with `--delete-capture-logs`), or kept.
    case captureLogs = "capture-logs"
    /// With cross-cluster replication: the target's remote-cluster connection to the source is removed.
    case removeRemoteCluster = "remove-remote-cluster"

    public static let operationKind = OperationKind.decommission
}
