import Foundation
import TernCore

/// Where an in-place upgrade stands, persisted after every step in `<state-dir>/upgrade.json` so an interrupted or stopped
/// run resumes where it stopped.
public struct UpgradeProgress: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case rolling, restart, docker
    }

    public enum Status: String, Sendable, Codable {
        /// Steps are being done (or the process died while doing them).
        case running
        /// A gate failed; `lastError` says which.
        case stopped
        case completed
    }

    /// The steps of one node in a rolling upgrade, in order.
    public enum NodePhase: String, Sendable, Codable, CaseIterable, Comparable {
        case pending
        case allocationDisabled = "allocation-disabled"
        case flushed
        case restarted
        case rejoined
        case allocationEnabled = "allocation-enabled"
        case done

        public static func < (lhs: NodePhase, rhs: NodePhase) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }

        /// The phase after this one.
        public var next: NodePhase? {
            let all = Self.allCases
            let index = all.firstIndex(of: self)!
            return index + 1 < all.count ? all[index + 1] : nil
        }
    }

    /// The steps of a restart (or Docker Compose) upgrade, in order.
    public enum ClusterPhase: String, Sendable, Codable, CaseIterable, Comparable {
        case prepared
        case snapshotTaken = "snapshot-taken"
        case allocationDisabled = "allocation-disabled"
        case flushed
        case stopped
        case rewritten
        case started
        case rejoined
        case allocationEnabled = "allocation-enabled"
        case healthy
        case verified

        public static func < (lhs: ClusterPhase, rhs: ClusterPhase) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    public struct NodeProgress: Sendable, Codable, Equatable {
        public var name: String
        public var host: String?
        /// The version the node ran when the upgrade started.
        public var fromVersion: String
        public var phase: NodePhase

        public init(name: String, host: String?, fromVersion: String, phase: NodePhase = .pending) {
            self.name = name
            self.host = host
            self.fromVersion = fromVersion
            self.phase = phase
        }

        enum CodingKeys: String, CodingKey {
            case name, host, phase
            case fromVersion = "from_version"
        }
    }

    public var kind: Kind
    /// `opensearch:2.19.1`
    public var target: String
    public var endpoint: String
    public var status: Status
    public var startedAt: Date
    public var updatedAt: Date
    /// The pre-upgrade snapshot (`repository/name`), or why there is none.
    public var snapshot: String?
    public var before: ClusterRecord?
    /// Rolling upgrades: each node in the order it is upgraded.
    public var nodes: [NodeProgress]
    /// Restart and Docker upgrades: the last step done.
    public var clusterPhase: ClusterPhase?
    /// Docker upgrades: the compose file and the copy of it taken before it was rewritten.
    public var composeFile: String?
    public var composeBackup: String?
    public var verification: UpgradeVerification?
    public var lastError: String?

    public init(kind: Kind, target: ClusterVersion, endpoint: String, now: Date = Date()) {
        self.kind = kind
        self.target = target.description
        self.endpoint = endpoint
        self.status = .running
        self.startedAt = now
        self.updatedAt = now
        self.nodes = []
    }

    enum CodingKeys: String, CodingKey {
        case kind, target, endpoint, status, snapshot, before, nodes, verification
        case startedAt = "started_at"
        case updatedAt = "updated_at"
        case clusterPhase = "cluster_phase"
        case composeFile = "compose_file"
        case composeBackup = "compose_backup"
        case lastError = "last_error"
    }

    /// The next node to work on and the phase it goes to, or nil when every node is done. Pure: the runner does the work.
    public func nextNodeStep() -> (index: Int, phase: NodePhase)? {
        for (index, node) in nodes.enumerated() {
            if let next = node.phase.next { return (index, next) }
        }
        return nil
    }

    /// The next step of a restart upgrade, skipping `rewritten` unless the Compose file is rewritten.
    public func nextClusterPhase() -> ClusterPhase? {
        var candidate: ClusterPhase? =
            clusterPhase.map { phase in
                let all = ClusterPhase.allCases
                let index = all.firstIndex(of: phase)!
                return index + 1 < all.count ? all[index + 1] : nil
            } ?? .prepared
        if candidate == .rewritten && kind != .docker { candidate = .started }
        return candidate
    }
}
