import Testing

@testable import Replication

/// The cutover's drain with replication: wait, stop, or give up, from the followers' statuses alone.
@Suite struct ReplicationCatchUpTests {
    typealias Status = ReplicationClient.FollowerStatus

    static func status(_ follower: String, _ state: String, leader: Int64? = nil, follower checkpoint: Int64? = nil) -> Status {
        Status(follower: follower, status: state, reason: nil, leaderCheckpoint: leader, followerCheckpoint: checkpoint)
    }

    @Test func followersBehindOrBootstrappingAreWaitedFor() {
        let decision = ReplicationCatchUp.decide([
            Self.status("a", "SYNCING", leader: 100, follower: 100), Self.status("b", "SYNCING", leader: 100, follower: 97),
            Self.status("c", "BOOTSTRAPPING"),
        ])
        #expect(decision == .wait(["b": 3, "c": nil]))
    }

    @Test func onceEveryFollowerCaughtUpTheReplicatingOnesAreStopped() {
        let decision = ReplicationCatchUp.decide([
            Self.status("a", "SYNCING", leader: 100, follower: 100), Self.status("b", "RUNNING", leader: 7, follower: 7),
            // Stopped by an earlier attempt of the cutover.
            Self.status("c", "REPLICATION NOT IN PROGRESS"),
        ])
        #expect(decision == .stop(["a", "b"]))
        #expect(ReplicationCatchUp.decide([Self.status("c", "REPLICATION NOT IN PROGRESS")]) == .stop([]))
    }

    @Test func aPausedFollowerFailsTheDrainWithWhatToDo() {
        guard case .fail(let reason) = ReplicationCatchUp.decide([Self.status("a", "PAUSED", leader: 9, follower: 3)]) else {
            Issue.record("a paused follower must fail the drain")
            return
        }
        #expect(reason.contains("paused") && reason.contains("_plugins/_replication/a/_resume"))
    }
}
