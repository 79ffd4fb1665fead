import Foundation
import TernCore

/// Runs the operator's hook commands (`/bin/sh -c`) with a time limit, capturing their output.
///
/// Output goes to a temporary file rather than a pipe, so a chatty command can never block on a full pipe while we
/// wait for it, and the wait itself is a termination handler, never a polling `waitUntilExit`.
public struct HookRunner: Sendable {
    public var timeout: Duration
    /// Extra environment for the command (`TERN_SOURCE`, `TERN_TARGET`: endpoints without credentials).
    public var environment: [String: String]

    public init(timeout: Duration = .seconds(600), environment: [String: String] = [:]) {
        self.timeout = timeout
        self.environment = environment
    }

    /// Runs one hook with `{name}` placeholders substituted.
    /// - Throws: `TernError` only when the command cannot be started at all.
    public func run(_ hook: HookCommand, values: [String: String] = [:]) async throws -> HookOutcome {
        let command = hook.substituting(values)
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("tern-hook-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let output = try FileHandle(forWritingTo: outputURL)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let started = ContinuousClock.now
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            exited.continuation.yield(finished.terminationStatus)
            exited.continuation.finish()
        }
        do {
            try process.run()
        } catch {
            throw TernError(
                .configuration, "Cannot start the hook \(hook.origin.isEmpty ? command : hook.origin): \(error.localizedDescription).")
        }
        let limit = timeout
        let status: Int32? = await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                for await status in exited.stream { return status }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        var timedOut = false
        if status == nil {
            timedOut = true
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
        }
        let data = (try? Data(contentsOf: outputURL)) ?? Data()
        let tail = data.count > 8192 ? data.suffix(8192) : data
        return HookOutcome(
            command: command, exitStatus: status ?? -1, output: String(decoding: tail, as: UTF8.self),
            seconds: (ContinuousClock.now - started).inSeconds, timedOut: timedOut)
    }
}
