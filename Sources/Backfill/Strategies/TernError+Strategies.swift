import TernCore

extension TernError.Kind {
    /// The target's remote reindex refuses the source: its `host:port` is not in `reindex.remote.allowlist` (or `whitelist`).
    public static let remoteNotAllowlisted = TernError.Kind("remote-not-allowlisted", exitCode: .usage)
    /// A server-side task (a remote reindex) failed, or the target lost it.
    public static let taskFailed = TernError.Kind("task-failed", exitCode: .failure)
    /// The versions of source and target (or of an index) rule out the chosen strategy.
    public static let incompatibleVersions = TernError.Kind("incompatible-versions", exitCode: .failure)
    /// A snapshot repository cannot be registered or read (`path.repo`, a location not shared by both clusters).
    public static let snapshotRepository = TernError.Kind("snapshot-repository", exitCode: .usage)
    /// Taking or restoring a snapshot failed, or restored indices did not become usable.
    public static let snapshotFailed = TernError.Kind("snapshot-failed", exitCode: .failure)
}
