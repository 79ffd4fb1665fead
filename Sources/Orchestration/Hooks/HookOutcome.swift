import Foundation

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

    /// "`cmd` exited with status 3 after 0.1 s: <last line of output>", for messages and the audit log.
    public var summary: String {
        let lastLine = output.split(separator: "\n").last.map { ": \($0.prefix(200))" } ?? ""
        if timedOut { return "`\(command)` did not finish in time\(lastLine)" }
        return "`\(command)` exited with status \(exitStatus) after \(String(format: "%.1f", seconds)) s\(lastLine)"
    }

    public init(command: String, exitStatus: Int32, output: String, seconds: Double, timedOut: Bool) {
        self.command = command
        self.exitStatus = exitStatus
        self.output = output
        self.seconds = seconds
        self.timedOut = timedOut
    }

    enum CodingKeys: String, CodingKey {
        case command, output, seconds
        case exitStatus = "exit_status"
        case timedOut = "timed_out"
    }
}
