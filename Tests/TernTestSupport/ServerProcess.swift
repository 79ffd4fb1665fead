import Foundation

/// A helper process that prints one JSON line when it is ready, and is killed when the test is done.
///
/// `@unchecked Sendable`: the announcement is read once in `init`; stopping is idempotent.
public final class ServerProcess: @unchecked Sendable {
    public let child: ChildProcess
    public var process: Process { child.process }
    /// The first line the process printed, parsed.
    public let announcement: [String: Any]

    init(executable: String, arguments: [String], readyTimeout: TimeInterval = 30) throws {
        child = try ChildProcess(executable: executable, arguments: arguments)
        guard let json = child.announcement(timeout: readyTimeout) else {
            child.kill9()
            throw TestSupportError("\(executable) did not announce itself within \(Int(readyTimeout)) s")
        }
        announcement = json
    }

    /// Stops the process (SIGKILL: nothing of it needs to survive).
    public func stop() { child.kill9() }
}

/// A test environment problem (a missing tool), reported with what to install.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
