import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the operator's hook commands (`/bin/sh -c`) and reports how they ended.
///
/// The shell is started with `posix_spawn` and awaited with `waitpid(WNOHANG)` between short sleeps, not with Foundation's
/// `Process`: on Linux `Process` notices the end of a child through a descriptor the child inherits, so a hook that leaves a
/// server running in the background (`docker compose up -d`, a node started with `&`) would look unfinished for as long as
/// that server runs. For the same reason output goes to a temporary file, never a pipe. Each hook runs in its own process
/// group, so a hook that runs out of time is stopped together with what it started.
public struct HookRunner: Sendable {
    /// How a hook ended.
    public struct Outcome: Sendable, Equatable {
        public var status: Int32
        public var timedOut: Bool
        /// Standard output and standard error, merged, at most 64 KiB from the end.
        public var output: String

        /// The last non-empty line of output, for a one-sentence message.
        public var lastLine: String? {
            output.split(whereSeparator: \.isNewline).last.map { String($0).trimmingCharacters(in: .whitespaces) }
        }
    }

    public var timeout: Duration
    /// Extra environment variables for the hook (`TERN_NODE`, `TERN_TARGET_VERSION`).
    public var environment: [String: String]

    public init(timeout: Duration, environment: [String: String] = [:]) {
        self.timeout = timeout
        self.environment = environment
    }

    /// Runs `command` to its end (or until the timeout, when its process group is stopped).
    public func run(_ command: String) async throws -> Outcome {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("tern-hook-\(UUID().uuidString).log").path
        defer { unlink(outputPath) }
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in self.environment { environment[key] = value }
        let pid = try Self.spawn(["/bin/sh", "-c", command], environment: environment, outputPath: outputPath)

        let deadline = ContinuousClock.now + timeout
        var timedOut = false
        var killedAt: ContinuousClock.Instant?
        var status: Int32 = 0
        while true {
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid {
                status = Self.exitStatus(raw)
                break
            }
            if result == -1 && errno != EINTR {
                status = -1
                break
            }
            let now = ContinuousClock.now
            if !timedOut && now >= deadline {
                timedOut = true
                killedAt = now
                kill(-pid, SIGTERM)
            } else if let killedAt, now - killedAt > .seconds(2) {
                kill(-pid, SIGKILL)
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        let output = String(decoding: data.suffix(65_536), as: UTF8.self)
        return Outcome(status: status, timedOut: timedOut, output: output)
    }

    /// Starts `arguments` in a new process group with standard input from /dev/null and both outputs into `outputPath`.
    static func spawn(_ arguments: [String], environment: [String: String], outputPath: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of Tern's passes on: a server the hook leaves running must not hold Tern's descriptors (or those
        // Tern inherited, such as a parent's pipes), or whoever waits for Tern's output would wait for that server.
        Self.closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw TernError(
                .configuration, "The hook '\(arguments.last ?? "")' could not start: \(String(cString: strerror(result))).")
        }
        return pid
    }

    /// Adds "close every descriptor from 3 up" to the spawn: glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and
    /// later, looked up at run time because the Swift module does not export it), else one close per open descriptor.
    static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(&actions, 3) == 0 { return }
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/dev/fd"))?.compactMap { Int32($0) } ?? []
        for descriptor in open where descriptor > 2 && fcntl(descriptor, F_GETFD) != -1 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// The exit status, or 128 + the signal for a hook killed by one (as shells report it).
    static func exitStatus(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }
}
