import TernCore

extension TernError.Kind {
    /// The snapshot holds no `_source` to copy for an index (disabled, synthetic or derived source) or holds no segments
    /// at all (an OpenSearch shallow copy): the command cannot run as asked, so it exits 2 like a usage error and the
    /// sentence says what to run instead.
    public static let sourceNotInSnapshot = TernError.Kind("source-not-in-snapshot", exitCode: .usage)
}

extension TernError.Kind {
    /// The object store holding the repository cannot be reached or refuses the credentials: exit 3, like a cluster.
    public static let repositoryUnavailable = TernError.Kind("repository-unavailable", exitCode: .unreachable)
}
