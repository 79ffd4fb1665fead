import Foundation

/// A helper process that prints one JSON line when it is ready, and is killed when the test is done.
///
/// `@unchecked Sendable`: the `Process` is only touched in `start` and `stop`, and `stop` is idempotent.
public final class ServerProcess: @unchecked Sendable {
    public let process: Process
    /// The first line the process printed, parsed.
    public let announcement: [String: Any]

    init(executable: String, arguments: [String], readyTimeout: TimeInterval = 30) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process

        // Read the first line on a background thread, so a process that never speaks cannot hang the test.
        let line = LineBox()
        let reader = Thread {
            var bytes: [UInt8] = []
            let handle = output.fileHandleForReading
            while true {
                let chunk = handle.readData(ofLength: 1)
                if chunk.isEmpty || chunk.first == UInt8(ascii: "\n") { break }
                bytes.append(chunk.first!)
            }
            line.set(String(decoding: bytes, as: UTF8.self))
        }
        reader.start()
        let deadline = Date().addingTimeInterval(readyTimeout)
        while line.get() == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        guard let text = line.get(), let data = text.data(using: .utf8),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            process.terminate()
            throw TestSupportError("\(executable) did not announce itself within \(Int(readyTimeout)) s")
        }
        announcement = json
    }

    /// Stops the process (SIGKILL: nothing of it needs to survive).
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A line written by one thread and read by another.
private final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?
    func set(_ text: String) { lock.withLock { value = text } }
    func get() -> String? { lock.withLock { value } }
}

/// A test environment problem (a missing tool), reported with what to install.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
