/// What `tern ccr plan` found: what stops replication as a whole, and each selected index's verdict.
public struct ReplicationPlan: Sendable, Encodable, Equatable {
    public struct IndexVerdict: Sendable, Encodable, Equatable {
        public var index: String
        public var follower: String
        public var replicable: Bool
        /// The target already follows it: starting again leaves it alone.
        public var alreadyReplicating: Bool
        /// Why it cannot be replicated (empty when it can).
        public var reasons: [String]
    }

    /// Reasons no index can be replicated.
    public var blockers: [String]
    /// What the operator should know that does not stop replication (permissions under the security plugin).
    public var notes: [String] = []
    public var indices: [IndexVerdict]

    /// Whether `start` would replicate every selected index.
    public var ready: Bool { blockers.isEmpty && !indices.isEmpty && indices.allSatisfy(\.replicable) }
}
