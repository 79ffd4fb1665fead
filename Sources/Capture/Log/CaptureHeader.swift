/// One HTTP header kept with a captured record: only the few the replayer needs (content type and encoding), never
/// credentials.
public struct CaptureHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Headers that carry credentials or session state: never written to the log, whatever the proxy passes.
    static let forbiddenNames: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"]

    /// Whether this header may be written to the log.
    var isAllowed: Bool { !Self.forbiddenNames.contains(name.lowercased()) }
}
