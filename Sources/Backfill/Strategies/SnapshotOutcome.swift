import TernCore

/// A snapshot as `PUT _snapshot/<repo>/<snap>?wait_for_completion=true` (`{"snapshot": ...}`) or
/// `GET _snapshot/<repo>/<snap>` (`{"snapshots": [...]}`) describes it.
struct SnapshotOutcome: Sendable, Equatable {
    /// One shard that could not be snapshotted.
    struct ShardFailure: Sendable, Equatable, CustomStringConvertible {
        var index: String
        var shard: Int?
        var reason: String

        var description: String { "\(index)\(shard.map { " shard \($0)" } ?? ""): \(reason)" }
    }

    var name: String
    /// SUCCESS, PARTIAL, FAILED, IN_PROGRESS, INCOMPATIBLE.
    var state: String
    var indices: [String]
    var shardsTotal: Int
    var shardsFailed: Int
    var failures: [ShardFailure]
    /// Why the whole snapshot failed, when it did.
    var reason: String?

    init?(json: JSONValue) {
        guard let snapshot = json["snapshot"] ?? json["snapshots"]?[0], let name = snapshot["snapshot"]?.stringValue else { return nil }
        self.name = name
        state = snapshot["state"]?.stringValue ?? "UNKNOWN"
        indices = snapshot["indices"]?.arrayValue?.compactMap(\.stringValue) ?? []
        shardsTotal = Int(snapshot.value(at: "shards.total")?.intValue ?? 0)
        shardsFailed = Int(snapshot.value(at: "shards.failed")?.intValue ?? 0)
        failures = (snapshot["failures"]?.arrayValue ?? []).map { failure in
            ShardFailure(
                index: failure["index"]?.stringValue ?? "?", shard: failure["shard_id"]?.intValue.map(Int.init),
                reason: failure["reason"]?.stringValue ?? "no reason given")
        }
        reason = snapshot["reason"]?.stringValue
    }

    var succeeded: Bool { state == "SUCCESS" && shardsFailed == 0 }
}
