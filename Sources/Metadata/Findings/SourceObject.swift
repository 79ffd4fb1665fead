/// Something on the source cluster besides indices and templates, as far as a migration needs to talk about it.
public struct SourceObject: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An index lifecycle management policy (`GET _ilm/policy`).
        case ilmPolicy = "ilm-policy"
        /// A Watcher watch (`GET .watches` or `_watcher/_query/watches`).
        case watch
        /// An X-Pack security role (`GET _security/role`).
        case securityRole = "security-role"
        /// Any index, classified by name (`.kibana*`, `.security*`, `.watches`).
        case index
    }

    public var kind: Kind
    public var name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }
}
