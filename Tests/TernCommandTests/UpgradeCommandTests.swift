import Foundation
import TernTestSupport
import Testing
import Upgrade

/// `tern upgrade` end to end: the built binary, real osmem processes, real shell hooks, and a stub `docker` first on PATH.
@Suite struct UpgradeCommandTests {
    // MARK: plan

    @Test func planOfflineJSONContract() async throws {
        let result = try await TernBinary.run(["upgrade", "plan", "--from", "es-oss:7.10.2", "--to", "opensearch:2.19.1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let plan = try result.decode(UpgradePlan.self)
        #expect(
            plan.steps.map { "\($0.from)>\($0.to):\($0.method.rawValue)" } == [
                "elasticsearch-oss:7.10.2>opensearch:1.3.x:rolling-upgrade", "opensearch:1.3.x>opensearch:2.19.1:rolling-upgrade",
            ])
        #expect(plan.blockers.isEmpty && plan.canProceed)

        let blueGreen = try await TernBinary.run(["upgrade", "plan", "--from", "elasticsearch:7.17.9", "--to", "2.19.1", "--json"])
        #expect(blueGreen.status == 1)
        #expect(try blueGreen.decode(UpgradePlan.self).steps.map(\.method) == [.blueGreen])

        let human = try await TernBinary.run(["upgrade", "plan", "--from", "os:2.11.0", "--to", "os:2.19.1"])
        #expect(human.status == 0 && human.stdout.contains("1. opensearch:2.11.0 -> opensearch:2.19.1  rolling-upgrade"))
        #expect(human.stdout.contains("Ready: tern upgrade rolling --to opensearch:2.19.1"))
    }

    @Test func planOnALiveClusterReportsItsBlockers() async throws {
        try await OsmemServer.with { server in
            try await server.createIndex("books")
            try await server.putClusterSetting("compatibility.override_main_response_version", "true")
            let result = try await TernBinary.run([
                "upgrade", "plan", "--cluster", server.url.absoluteString, "--to", "opensearch:3.9.0", "--json",
            ])
            #expect(result.status == 1, "\(result.stderr)")
            let plan = try result.decode(UpgradePlan.self)
            #expect(plan.from.description == "opensearch:3.8.0" && plan.mode == .live)
            let byCode = Dictionary(plan.blockers.map { ($0.code, $0.severity) }, uniquingKeysWith: { a, _ in a })
            #expect(byCode["removed-setting"] == .blocking)
            #expect(byCode["cluster-not-green"] == .warning, "one data node: yellow is expected")
            #expect(byCode["no-snapshot-repository"] == .warning)
            let human = try await TernBinary.run(["upgrade", "plan", "--cluster", server.url.absoluteString, "--to", "3.9.0"])
            #expect(human.stdout.contains("x [removed-setting] OpenSearch 2.0 removed compatibility.override_main_response_version"))
            #expect(human.stdout.contains("Blocked: fix the blockers marked x first."))
        }
    }

    @Test func badVersionsAndMissingHooksExitWith2AndOneSentence() async throws {
        let notOpenSearch = try await TernBinary.run(["upgrade", "plan", "--from", "os:2.11.0", "--to", "es:7.10.2"])
        #expect(notOpenSearch.status == 2 && notOpenSearch.stderr.contains("error: --to elasticsearch:7.10.2 is not OpenSearch"))
        let unknown = try await TernBinary.run(["upgrade", "plan", "--from", "solr:9", "--to", "os:2.19.1"])
        #expect(unknown.status == 2 && unknown.stderr.contains("names an unknown distribution 'solr'"))
        let noHook = try await TernBinary.run(["upgrade", "rolling", "--cluster", "http://127.0.0.1:9", "--to", "2.19.1"])
        #expect(noHook.status == 2 && noHook.stderr.contains("No node-restart command: add upgrade.hooks.restart_node to tern.yml"))
        #expect(!noHook.stderr.contains("Fatal error"))
    }

    // MARK: docker

    static let compose = """
        # search stack
        services:
          opensearch:
            image: opensearchproject/opensearch:2.11.1 # pinned
            environment:
              - discovery.type=single-node
              - DISABLE_SECURITY_PLUGIN=true
          dashboards:
            image: "opensearchproject/opensearch-dashboards:2.11.1"

        """

    @Test func dockerPrintsTheRewrittenFileOrADiffAndChangesNothing() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("docker-compose.yml")
        try Self.compose.write(to: file, atomically: true, encoding: .utf8)

        let printed = try await TernBinary.run(["upgrade", "docker", "--compose", file.path, "--to", "2.19.1"])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout == Self.compose.replacingOccurrences(of: "2.11.1", with: "2.19.1"))
        let diff = try await TernBinary.run(["upgrade", "docker", "--compose", file.path, "--to", "2.19.1", "--diff"])
        #expect(
            diff.stdout.contains(
                "-    image: opensearchproject/opensearch:2.11.1 # pinned\n+    image: opensearchproject/opensearch:2.19.1 # pinned"))
        #expect(try String(contentsOf: file, encoding: .utf8) == Self.compose, "nothing changes without --apply")

        let downgrade = try await TernBinary.run(["upgrade", "docker", "--compose", file.path, "--to", "2.9.0"])
        #expect(downgrade.status == 2 && downgrade.stderr.contains("error: OpenSearch 2.9.0 is older than OpenSearch 2.11.1"))
        let skip = try await TernBinary.run(["upgrade", "docker", "--compose", file.path, "--to", "4.0.0"])
        #expect(skip.status == 2 && skip.stderr.contains("skips a major"))
        let missing = try await TernBinary.run([
            "upgrade", "docker", "--compose", folder.appendingPathComponent("nope.yml").path, "--to", "2.19.1",
        ])
        #expect(missing.status == 2 && missing.stderr.contains("cannot be read; check --compose"))
    }

    @Test func dockerApplyRunsTheSequenceWithStubDockerCommand() async throws {
        let node = try TestNode()
        defer { node.shutdown() }
        let bin = node.folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let docker = bin.appendingPathComponent("docker")
        try """
        #!/bin/sh
        echo "$@" >> '\(node.folder.path)/docker.log'
        case "$*" in
          *" down") sh '\(node.script)' stop ;;
          *" up -d") sh '\(node.script)' start ;;
          *) exit 9 ;;
        esac
        """.write(to: docker, atomically: true, encoding: .utf8)
        chmod(docker.path, 0o755)
        let file = node.folder.appendingPathComponent("docker-compose.yml")
        try Self.compose.replacingOccurrences(of: "2.11.1", with: "3.7.0").write(to: file, atomically: true, encoding: .utf8)
        try node.writeConfiguration(hooks: "")

        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try await TernBinary.run(
            ["upgrade", "docker", "--compose", file.path, "--to", "3.8.0", "--apply", "--restart-all"], in: node.folder,
            environment: ["PATH": path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Docker upgrade to opensearch:3.8.0") && result.stdout.contains("completed"))
        #expect(result.stdout.contains("ok   documents: 12 document(s) before, 12 now"))
        #expect(
            try String(contentsOf: node.folder.appendingPathComponent("docker.log"), encoding: .utf8)
                == "compose -f \(file.path) down\ncompose -f \(file.path) up -d\n")
        #expect(try String(contentsOf: file, encoding: .utf8).contains("opensearchproject/opensearch:3.8.0 # pinned"))
        #expect(FileManager.default.fileExists(atPath: file.path + ".pre-upgrade"))
    }

    // MARK: rolling

    @Test func rollingStopsAtAFailingHookAndTheSameCommandResumes() async throws {
        let node = try TestNode()
        defer { node.shutdown() }
        try node.writeConfiguration(hooks: "    restart_node: sh '\(node.script)' fail-once {node}\n")
        let arguments = ["upgrade", "rolling", "--to", "opensearch:3.8.0", "--restart-all"]

        let stopped = try await TernBinary.run(arguments, in: node.folder)
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("error: The restart_node hook for node osmem-node (tern.yml line"))
        #expect(stopped.stderr.contains("exited with status 1 (node osmem-node: the package manager could not install the new version)"))
        #expect(stopped.stderr.contains("run tern upgrade rolling --to 3.8.0 again to resume"))
        let status = try await TernBinary.run(["upgrade", "status"], in: node.folder)
        #expect(status.status == 0 && status.stdout.contains("stopped") && status.stdout.contains("node osmem-node (was 3.8.0): flushed"))

        let resumed = try await TernBinary.run(arguments + ["--json"], in: node.folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("Resuming the rolling upgrade"))
        let progress = try resumed.decode(UpgradeProgress.self, dates: .iso8601)
        #expect(progress.status == .completed)
        #expect(progress.verification?.checks.allSatisfy(\.passed) == true)

        let verify = try await TernBinary.run(["upgrade", "verify"], in: node.folder)
        #expect(verify.status == 0 && verify.stdout.contains("ok   versions: All 1 node(s) run 3.8.0."))
    }
}

/// An osmem-server "node" on a fixed port with a shell script the hooks call to stop and (re)start it from the same seed.
/// The first process is started directly (not through the script), so the test never waits on a shell that left a server
/// running; the test kills whichever process the pid file names when it ends.
private final class TestNode: @unchecked Sendable {
    // @unchecked: set once in init; `first` is only stopped in `shutdown`.
    private let files: NodeScriptFolder
    let first: Process
    var folder: URL { files.folder }
    var port: Int { files.port }
    var script: String { files.script }

    init() throws {
        var seed = ""
        for id in 1...10 { seed += "{\"index\":{\"_index\":\"books\",\"_id\":\"\(id)\"}}\n{\"n\":\(id)}\n" }
        for id in 1...2 { seed += "{\"index\":{\"_index\":\"authors\",\"_id\":\"\(id)\"}}\n{\"n\":\(id)}\n" }
        let files = try NodeScriptFolder(port: try FaultyServer.closedPort(), seed: seed)
        self.files = files
        first = Process()
        first.executableURL = URL(fileURLWithPath: try OsmemServer.binary())
        first.arguments = [
            "-addr", "127.0.0.1:\(files.port)", "-no-stdin-watch", "-no-ja", "-parent-pid", String(getpid()), "-seed", files.seedFile.path,
        ]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        first.standardInput = FileHandle.nullDevice
        try first.run()
        try String(first.processIdentifier).write(to: files.folder.appendingPathComponent("pid"), atomically: true, encoding: .utf8)
        try Self.waitUntilListening(files.port)
    }

    func writeConfiguration(hooks: String) throws {
        let yaml = """
            source:
              endpoint: http://127.0.0.1:\(port)
              timeouts:
                connect: 1s
                request: 10s
            upgrade:
              node_timeout: 120s
              health_timeout: 120s
              poll_interval: 100ms
              hook_timeout: 120s
            \(hooks.isEmpty ? "" : "  hooks:\n" + hooks)
            """
        try yaml.write(to: folder.appendingPathComponent("tern.yml"), atomically: true, encoding: .utf8)
    }

    func shutdown() {
        if first.isRunning { kill(first.processIdentifier, SIGKILL) }
        files.remove()
    }

    static func waitUntilListening(_ port: Int) throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(descriptor)
            if connected { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSupportError("osmem-server did not listen on \(port)")
    }
}
