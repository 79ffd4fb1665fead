import Foundation
import TernCore
import TernTestSupport
import Upgrade

/// One real osmem-server "node" on a fixed loopback port, managed by a real shell script (`node.sh`) that the upgrade's
/// hooks call: `start`, `stop`, `restart`, `fail-once` (the first call exits 1), `restart-red` (restarts, then closes an
/// index so the cluster turns red). A restarted node is reseeded from the same NDJSON file, so its documents survive.
/// The process is killed when the test ends (and dies with the test process through `-parent-pid`).
final class ScriptedNode: Sendable {
    let folder: URL
    let port: Int
    let documents: Int

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }
    var script: String { folder.appendingPathComponent("node.sh").path }

    init(documents: Int = 25) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        port = try FaultyServer.closedPort()
        self.documents = documents
        var seed = ""
        for id in 1...documents {
            seed += "{\"index\":{\"_index\":\"books\",\"_id\":\"\(id)\"}}\n{\"title\":\"book \(id)\"}\n"
        }
        for id in 1...3 {
            seed += "{\"index\":{\"_index\":\"authors\",\"_id\":\"\(id)\"}}\n{\"name\":\"author \(id)\"}\n"
        }
        try seed.write(to: folder.appendingPathComponent("seed.ndjson"), atomically: true, encoding: .utf8)
        let binary = try await Self.binary()
        let environment = "BIN='\(binary)'\nPORT=\(port)\nSEED='\(folder.appendingPathComponent("seed.ndjson").path)'\nPARENT=\(getpid())\n"
        try environment.write(to: folder.appendingPathComponent("node.env"), atomically: true, encoding: .utf8)
        try Self.script.write(to: folder.appendingPathComponent("node.sh"), atomically: true, encoding: .utf8)
        try await run("start")
    }

    /// Runs `node.sh ACTION` to its end.
    @discardableResult
    func run(_ action: String) async throws -> HookRunner.Outcome {
        // Wide: a busy machine may take long to start a node; the script itself gives up after about a minute.
        let outcome = try await HookRunner(timeout: .seconds(120)).run("sh '\(script)' \(action)")
        guard outcome.status == 0 || action == "fail-once" else {
            throw TestSupportError("node.sh \(action) exited \(outcome.status): \(outcome.output)")
        }
        return outcome
    }

    /// The hook line for tern.yml / UpgradeSettings.
    func hook(_ action: String) -> HookCommand {
        HookCommand("sh '\(script)' \(action) {node}", origin: "test upgrade.hooks.restart_node")
    }

    func configuration() -> ClusterConfiguration {
        ClusterConfiguration(
            role: "source", endpoints: [url], timeouts: Timeouts(connect: .seconds(1), request: .seconds(10)),
            retries: RetrySettings(maxAttempts: 2, initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(200)))
    }

    /// Kills the node and removes its folder.
    func shutdown() {
        if let text = try? String(contentsOf: folder.appendingPathComponent("pid"), encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            kill(pid, SIGKILL)
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `body` with a node, and always kills it afterwards.
    static func with<T>(documents: Int = 25, _ body: (ScriptedNode) async throws -> T) async throws -> T {
        let node = try await ScriptedNode(documents: documents)
        do {
            let result = try await body(node)
            node.shutdown()
            return result
        } catch {
            node.shutdown()
            throw error
        }
    }

    static func binary() async throws -> String {
        if let path = ProcessInfo.processInfo.environment["OSMEM_SERVER_BIN"], !path.isEmpty { return path }
        let outcome = try await HookRunner(timeout: .seconds(30)).run(
            "python3 -c 'import osmem_server; print(osmem_server.resolve_binary())' 2>/dev/null")
        let path = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard outcome.status == 0, !path.isEmpty else {
            throw TestSupportError("osmem-server is not installed: run scripts/setup.sh (pip install osmem-server)")
        }
        return path
    }

    static let script = #"""
        #!/bin/sh
        # A test "node": an osmem-server on a fixed port, restarted from the same seed file.
        DIR="$(cd "$(dirname "$0")" && pwd)"
        . "$DIR/node.env"
        stop() {
          if [ -f "$DIR/pid" ]; then kill -9 "$(cat "$DIR/pid")" 2>/dev/null; rm -f "$DIR/pid"; fi
          i=0
          while curl -s -o /dev/null "http://127.0.0.1:$PORT/" && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
        }
        start() {
          "$BIN" -addr "127.0.0.1:$PORT" -no-stdin-watch -parent-pid "$PARENT" -seed "$SEED" > "$DIR/out.log" 2>&1 < /dev/null &
          echo $! > "$DIR/pid"
        }
        wait_ready() {
          i=0
          until curl -s -o /dev/null "http://127.0.0.1:$PORT/"; do
            sleep 0.05; i=$((i+1))
            if [ $i -gt 1200 ]; then echo "node did not start" >&2; exit 3; fi
          done
        }
        case "$1" in
          start) start; wait_ready ;;
          stop) stop ;;
          start-empty)
            "$BIN" -addr "127.0.0.1:$PORT" -no-stdin-watch -parent-pid "$PARENT" > "$DIR/out.log" 2>&1 < /dev/null &
            echo $! > "$DIR/pid"; wait_ready ;;
          restart) stop; start ;;
          restart-wait) stop; start; wait_ready ;;
          fail-once)
            if [ ! -f "$DIR/failed-once" ]; then
              touch "$DIR/failed-once"
              echo "node $2: the package manager could not install the new version" >&2
              exit 1
            fi
            stop; start ;;
          restart-red) stop; start; wait_ready; curl -s -XPOST "http://127.0.0.1:$PORT/books/_close" > /dev/null ;;
          *) echo "unknown action $1" >&2; exit 2 ;;
        esac
        """#
}
