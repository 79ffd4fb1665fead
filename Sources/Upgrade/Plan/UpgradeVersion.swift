import TernCore

/// Parses the version an upgrade goes to or from.
public enum UpgradeVersion {
    /// `opensearch:2.19.1`, `os:2.19.1`, `es-oss:7.10.2`, or a bare `2.19.1` (OpenSearch, the only upgrade target).
    /// - Throws: `TernError` of kind `.invalidArgument` naming the flag and the accepted forms.
    public static func parse(_ text: String, flag: String) throws -> ClusterVersion {
        if !text.contains(":"), let version = SemanticVersion(text) {
            return ClusterVersion(.opensearch, version)
        }
        return try ClusterVersion(parsing: text, flag: flag)
    }

    /// A target must be OpenSearch with a full version: nodes run one exact release.
    public static func requireTarget(_ version: ClusterVersion, flag: String) throws {
        guard version.distribution == .opensearch else {
            throw TernError(
                .invalidArgument,
                "\(flag) \(version) is not OpenSearch; in-place upgrades go to OpenSearch (for example \(flag) opensearch:2.19.1).")
        }
        guard version.version.precision == 3 else {
            throw TernError(
                .invalidArgument,
                "\(flag) \(version) is not one release; give the exact version the nodes will run, for example \(flag) opensearch:2.19.1.")
        }
    }
}
