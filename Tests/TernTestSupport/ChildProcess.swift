import Foundation
import Synchronization

/// A program a test starts and must not outlive: the servers, `tern proxy`, a killed backfill. It reads the first line the
/// program prints (its announcement) on a thread of its own, so a program that never speaks cannot hang the test.
///
/// `@unchecked Sendable`: the `Process` is set up once in `init`; stopping is idempotent.
public final class ChildProcess: @unchecked Sendable {
    public let process: Process
    private let output = Pipe()
    private let line = LineSlot()

    /// Starts `executable`.
    /// - Parameters:
    ///   - environment: changes to the test's environment; nil removes a variable.
    ///   - standardError: a file that receives the program's standard error; nil discards it.
    public init(
        executable: String, arguments: [String], environment: [String: String?] = [:], directory: URL? = nil,
        standardError: URL? = nil
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (key, value) in environment { merged[key] = value }
            process.environment = merged
        }
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = output
        if let standardError {
            _ = FileManager.default.createFile(atPath: standardError.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: standardError)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let handle = output.fileHandleForReading
        let line = self.line
        Thread {
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
                bytes.append(byte)
            }
            line.set(String(decoding: bytes, as: UTF8.self))
        }.start()
    }

    /// The first line of standard output (empty when the program closed it without a line), or nil when none came
    /// within `timeout`.
    public func firstLine(timeout: TimeInterval = 30) -> String? {
        line.wait(timeout: timeout)
    }

    /// The first line parsed as a JSON object, or nil.
    public func announcement(timeout: TimeInterval = 30) -> [String: Any]? {
        guard let text = firstLine(timeout: timeout) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    public var isRunning: Bool { process.isRunning }

    /// SIGKILL, and waits for the end: nothing of the program needs to survive.
    public func kill9() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Self.waitForExit(process, timeout: 60)
        }
    }

    /// Waits at most `timeout` seconds for `process` to end; whether it did. Polls rather than `waitUntilExit()`, which
    /// waits forever when Foundation misses the exit; a process that is gone (reaped) counts as ended even then.
    @discardableResult
    public static func waitForExit(_ process: Process, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        let pid = process.processIdentifier
        var goneSince: Date?
        while process.isRunning {
            if kill(pid, 0) != 0 && errno == ESRCH {
                // Reaped, but Foundation has not noticed yet: give it a moment to record the status.
                let now = Date()
                if let since = goneSince, now.timeIntervalSince(since) > 5 { return false }
                if goneSince == nil { goneSince = now }
            }
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return true
    }

    /// SIGTERM, waits at most `grace` seconds for a clean end, then SIGKILL; the exit status.
    @discardableResult
    public func terminate(grace: TimeInterval = 20) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        waitForExit(timeout: grace)
        kill9()
        return process.terminationStatus
    }

    /// Waits at most `timeout` seconds for the program to end by itself; whether it did.
    @discardableResult
    public func waitForExit(timeout: TimeInterval) -> Bool {
        Self.waitForExit(process, timeout: timeout)
    }

    deinit { kill9() }
}

/// The first line, written once by the reading thread and awaited by the test.
private final class LineSlot: Sendable {
    private let value = Mutex<String?>(nil)
    private let written = DispatchSemaphore(value: 0)

    func set(_ text: String) {
        value.withLock { $0 = text }
        written.signal()
    }

    func wait(timeout: TimeInterval) -> String? {
        if let text = value.withLock({ $0 }) { return text }
        guard written.wait(timeout: .now() + timeout) == .success else { return nil }
        written.signal()
        return value.withLock { $0 }
    }
}
