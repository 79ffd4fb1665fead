import Foundation
import TernCore
import TernTestSupport
import Upgrade

/// One real osmem-server "node" on a fixed loopback port, managed by a real shell script (`node.sh`, see
/// `NodeScriptFolder`) that the upgrade's hooks call. A restarted node is reseeded from the same NDJSON file, so its
/// documents survive. The process is killed when the test ends (and dies with the test process through `-parent-pid`).
final class ScriptedNode: Sendable {
    private let files: NodeScriptFolder
    let documents: Int

    var folder: URL { files.folder }
    var port: Int { files.port }
    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }
    var script: String { files.script }

    init(documents: Int = 25) async throws {
        self.documents = documents
        var seed = ""
        for id in 1...documents {
            seed += "{\"index\":{\"_index\":\"books\",\"_id\":\"\(id)\"}}\n{\"title\":\"book \(id)\"}\n"
        }
        for id in 1...3 {
            seed += "{\"index\":{\"_index\":\"authors\",\"_id\":\"\(id)\"}}\n{\"name\":\"author \(id)\"}\n"
        }
        files = try NodeScriptFolder(port: try FaultyServer.closedPort(), seed: seed)
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
    func shutdown() { files.remove() }

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
}
