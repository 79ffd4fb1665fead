/// Something on the live cluster that stands in the way of the upgrade (or deserves attention before it).
public struct UpgradeBlocker: Sendable, Codable, Equatable {
    /// Whether the upgrade must not start until it is fixed.
    public enum Severity: String, Sendable, Codable {
        /// The upgrade would fail or lose data.
        case blocking
        /// The upgrade can run, but the operator should act or know.
        case warning
    }

    /// A stable identifier for scripts: `index-too-old`, `plugin-without-target-build`, `removed-setting`, `deprecated-setting`,
    /// `cluster-not-green`, `low-disk`, `no-snapshot-repository`, `client-version-check`, `mixed-versions`, `allocation-restricted`.
    public var code: String
    public var severity: Severity
    /// What was found.
    public var message: String
    /// What to do about it.
    public var action: String

    public init(code: String, severity: Severity, message: String, action: String) {
        self.code = code
        self.severity = severity
        self.message = message
        self.action = action
    }
}
