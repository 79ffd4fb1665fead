/// One gate's answer: a precondition of cutover, or what the dry run found.
public struct GateAnswer: Sendable, Codable, Equatable {
    public var gate: String
    public var passed: Bool
    /// A failed blocking gate stops the operation; a non-blocking one is a warning.
    public var blocking: Bool
    public var detail: String

    public init(gate: String, passed: Bool, blocking: Bool = true, detail: String) {
        self.gate = gate
        self.passed = passed
        self.blocking = blocking
        self.detail = detail
    }
}
