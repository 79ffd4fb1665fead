import Foundation
import GRDB

/// Something a replay could not apply exactly, counted per index and reason.
public struct ReplayIssue: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Documents changed in ways the log cannot name (by-query writes): `tern validate --repair` must reconcile the index.
        case repair
        /// A request the replayer cannot repeat.
        case unsupported
        /// A write the target refused.
        case failed
    }

    public var kind: Kind
    public var index: String
    public var reason: String
    public var occurrences: Int64
    public var firstSeen: Date
    public var lastSeen: Date

    public init(kind: Kind, index: String, reason: String, occurrences: Int64 = 1, firstSeen: Date = Date(), lastSeen: Date = Date()) {
        self.kind = kind
        self.index = index
        self.reason = reason
        self.occurrences = occurrences
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case kind, index, reason, occurrences
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}

extension ReplayIssue {
    init(row: Row) {
        self.init(
            kind: Kind(rawValue: row["kind"]) ?? .failed, index: row["index_name"], reason: row["reason"], occurrences: row["occurrences"],
            firstSeen: row["first_seen"], lastSeen: row["last_seen"])
    }
}
