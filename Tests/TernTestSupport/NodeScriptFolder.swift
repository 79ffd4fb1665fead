import Foundation

/// A folder that makes an osmem-server behave like a cluster node an upgrade restarts: `node.sh` (called by the
/// upgrade's hooks), its `node.env`, and the seed file every (re)start loads, so a restarted node keeps its documents.
///
/// `node.sh` actions: `start` (waits until the node answers), `stop`, `start-empty` (no seed), `restart`,
/// `restart-wait`, `fail-once` (the first call exits 1, later ones restart), `restart-red` (restarts, then closes
/// `books` so the cluster turns red). The running node's pid is in `pid`; it dies with the test process.
public struct NodeScriptFolder: Sendable {
    public let folder: URL
    public let port: Int

    public var script: String { folder.appendingPathComponent("node.sh").path }
    public var seedFile: URL { folder.appendingPathComponent("seed.ndjson") }

    /// Writes the files for a node on `port` that loads `seed` (bulk NDJSON) into a new folder under `parent`.
    public init(port: Int, seed: String, parent: URL = FileManager.default.temporaryDirectory) throws {
        folder = parent.appendingPathComponent("tern-upgrade-\(UUID().uuidString)")
        self.port = port
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try seed.write(to: seedFile, atomically: true, encoding: .utf8)
        let environment = "BIN='\(try OsmemServer.binary())'\nPORT=\(port)\nSEED='\(seedFile.path)'\nPARENT=\(getpid())\n"
        try environment.write(to: folder.appendingPathComponent("node.env"), atomically: true, encoding: .utf8)
        try Self.script.write(to: folder.appendingPathComponent("node.sh"), atomically: true, encoding: .utf8)
    }

    /// Kills the node the pid file names and removes the folder.
    public func remove() {
        if let text = try? String(contentsOf: folder.appendingPathComponent("pid"), encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            kill(pid, SIGKILL)
        }
        try? FileManager.default.removeItem(at: folder)
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
          "$BIN" -addr "127.0.0.1:$PORT" -no-stdin-watch -no-ja -parent-pid "$PARENT" -seed "$SEED" > "$DIR/out.log" 2>&1 < /dev/null &
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
            "$BIN" -addr "127.0.0.1:$PORT" -no-stdin-watch -no-ja -parent-pid "$PARENT" > "$DIR/out.log" 2>&1 < /dev/null &
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
