/// What one hook command did.
public struct HookOutcome: Sendable, Codable, Equatable {
    /// The command as run (placeholders substituted).
    public var command: String
    public var exitStatus: Int32
    /// Standard output and error together, the last 8 KiB.
    public var output: String
    public var seconds: Double
    public var timedOut: Bool

    public var succeeded: Bool { exitStatus == 0 && !timedOut }

    enum CodingKeys: String, CodingKey {
        case command, output, seconds
        case exitStatus = "exit_status"
        case timedOut = "timed_out"
    }
}
