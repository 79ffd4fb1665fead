/// Where the capture proxy sends client requests.
public enum ProxyMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Everything goes to the source; writes are captured in the source-side log.
    case source
    /// Reads still go to the source; writes wait until the mode changes (or the hold timeout passes).
    case holdWrites = "hold-writes"
    /// Everything goes to the target; writes are captured in the target-side log so a rollback can replay them.
    case target

    /// The name used in the admin API and in metrics (`source`, `hold-writes`, `target`).
    public var description: String { rawValue }
}
