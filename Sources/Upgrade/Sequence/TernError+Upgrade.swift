import TernCore

extension TernError.Kind {
    /// An upgrade gate failed (a hook, a node that did not return, a cluster that stayed red); the run stopped and can resume.
    public static let upgradeGate = TernError.Kind("upgrade-gate", exitCode: .failure)
    /// The upgrade asked for is not allowed (a downgrade, a skipped major, a version the images cannot tell).
    public static let upgradeRefused = TernError.Kind("upgrade-refused", exitCode: .usage)
}
