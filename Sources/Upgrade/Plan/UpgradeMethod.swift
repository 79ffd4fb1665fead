import Compatibility

/// How one step of an upgrade runs. Raw values are the names in `--json` output.
public enum UpgradeMethod: String, Sendable, Codable, CaseIterable {
    /// Nodes restart on the new version one at a time; the cluster keeps serving.
    case rollingUpgrade = "rolling-upgrade"
    /// Every node stops, then starts on the new version: a short full outage.
    case restartUpgrade = "restart-upgrade"
    /// No in-place path: stand up a new cluster and move the data with `tern check` / `tern backfill` (a forking upgrade).
    case blueGreen = "blue-green"

    /// The strategy of `tern check` this method carries out, when it is an in-place one.
    public var strategy: Strategy? {
        switch self {
        case .rollingUpgrade: .rollingUpgrade
        case .restartUpgrade: .restartUpgrade
        case .blueGreen: nil
        }
    }
}
