import Foundation
import TernTestSupport

/// Runs the built `tern` executable as an operator would, capturing output and exit code.
enum TernBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Standard output (`--json`) decoded into the report type the command printed. `dates`: how the command wrote
        /// dates (`JSONOutput` leaves the encoder's default; `tern upgrade` writes ISO 8601).
        func decode<Report: Decodable>(
            _ type: Report.Type, dates: JSONDecoder.DateDecodingStrategy = .deferredToDate
        ) throws -> Report {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = dates
            do {
                return try decoder.decode(Report.self, from: Data(stdout.utf8))
            } catch {
                throw TestSupportError("standard output is not a \(Report.self) (\(error)): \(stdout.prefix(2000))")
            }
        }
    }

    /// The longest a command may run in a test before it is killed and the test fails.
    static let timeLimit: TimeInterval = 600

    /// The `tern` built next to the test bundle.
    static var path: String { TernExecutable.path }

    /// Runs the binary to its end. The waiting happens on a thread of its own: blocking one of the few cooperative
    /// threads for a whole command would starve every other test running meanwhile (and skew their time bounds).
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result { try runBlocking(arguments, in: directory, environment: environment) })
            }.start()
        }
    }

    private static func runBlocking(_ arguments: [String], in directory: URL?, environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs, so a large output cannot block it.
        let outData = Box()
        let errData = Box()
        let group = DispatchGroup()
        for (pipe, box) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        // Bounded waits: a command that never ends (or an exit Foundation never reports) fails its test with a sentence
        // instead of hanging the whole suite.
        guard ChildProcess.waitForExit(process, timeout: timeLimit) else {
            kill(process.processIdentifier, SIGKILL)
            throw TestSupportError("tern \(arguments.joined(separator: " ")) did not end within \(Int(timeLimit)) s; killed")
        }
        guard group.wait(timeout: .now() + 30) == .success else {
            throw TestSupportError("tern \(arguments.joined(separator: " ")) ended but its output pipes stayed open for 30 s")
        }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
            stderr: String(decoding: errData.data, as: UTF8.self))
    }

    /// Starts the binary without waiting (output discarded, or standard error into `stderr`), for tests that kill it.
    static func start(_ arguments: [String], stderr: URL? = nil, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if !environment.isEmpty {
            var env = ProcessInfo.processInfo.environment
            for (key, value) in environment { env[key] = value }
            process.environment = env
        }
        process.standardOutput = FileHandle.nullDevice
        if let stderr {
            _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: stderr)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    private final class Box: @unchecked Sendable {
        var data = Data()
    }

    /// A fresh empty folder.
    static func temporaryFolder() throws -> URL {
        try ScratchFolder.make("tern-cli")
    }
}
