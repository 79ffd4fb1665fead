/// The cutover's drain with cross-cluster replication, without I/O: with writes blocked on the source, wait until every
/// follower has applied its leader's last operation, then stop them all at once.
public enum ReplicationCatchUp {
    public enum Decision: Sendable, Equatable {
        /// Followers still behind (operations, nil while unknown), by name.
        case wait([String: Int64?])
        /// Every follower has caught up: stop these (those still replicating; others were stopped by an earlier attempt).
        case stop([String])
        /// A follower cannot catch up; the reason, for the cutover's abort.
        case fail(String)
    }

    public static func decide(_ statuses: [ReplicationClient.FollowerStatus]) -> Decision {
        if let paused = statuses.first(where: { $0.status == "PAUSED" }) {
            return .fail(
                "replication of \(paused.follower) is paused\(paused.reason.map { " (\($0))" } ?? ""): it will not catch up; resume it (POST _plugins/_replication/\(paused.follower)/_resume) and cut over again"
            )
        }
        var behind: [String: Int64?] = [:]
        for status in statuses where status.isReplicating {
            if status.status == "BOOTSTRAPPING" || status.lag == nil || status.lag! > 0 { behind[status.follower] = status.lag }
        }
        if !behind.isEmpty { return .wait(behind) }
        // Not replicating any more: stopped by an earlier attempt of this cutover (the validation gate checks them).
        return .stop(statuses.filter(\.isReplicating).map(\.follower))
    }
}
