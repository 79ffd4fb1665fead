import AsyncHTTPClient
import Capture
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SearchClient
import Synchronization
import TernCore
import TernTestSupport
import Testing

/// The blue-green switch end to end: real osmem clusters, a real capture proxy (in this process, logging to real
/// capture folders on both sides), clients writing through it, and the built `tern` running migrate, cutover,
/// rollback and decommission.
@Suite(.serialized) struct CutoverCommandTests {
    /// The two clusters, the proxy and a workspace folder with a tern.yml naming them.
    struct BlueGreen {
        let source: OsmemServer
        let target: OsmemServer
        let port: Int
        let folder: URL
        /// Where tern.yml sends Tern: the clusters, or the proxies holding their monitors.
        let sourceEndpoint: URL
        let targetEndpoint: URL

        var proxyURL: String { "http://127.0.0.1:\(port)" }

        func tern(_ arguments: [String], crashAt: String? = nil) async throws -> TernBinary.Result {
            var environment = ["TERN_PROXY_TOKEN": "token"]
            if let crashAt { environment["TERN_TEST_CRASH_AT"] = crashAt }
            return try await TernBinary.run(arguments, in: folder, environment: environment)
        }

        func write(_ method: HTTPMethod, _ uri: String, _ body: String? = nil) async throws -> Int {
            try await ReplayCommandTests.send(port, method, uri, body)
        }

        func proxyMode() async throws -> String? {
            try await ProxyAdminClient(url: URL(string: proxyURL)!, token: Secret("token")).status()["mode"]?.stringValue
        }

        func sourceWriteBlock(_ index: String) async throws -> String? {
            try await SearchClient.withClient(source.configuration(role: "source"), logger: Logger(label: "test")) { client in
                try await client.getJSON("/\(index)/_settings", query: [("flat_settings", "true")])[index]?["settings"]?[
                    "index.blocks.write"]?.stringValue
            }
        }
    }

    /// - Parameter monitors: files of alerting monitors for the source and the target; then Tern reaches each cluster
    ///   through a fault proxy that holds them as the Alerting plugin would (osmem has no Alerting plugin).
    static func withBlueGreen<T>(
        documents: Int = 600, extraConfiguration: String = "", monitors: (source: URL, target: URL)? = nil,
        _ body: (BlueGreen) async throws -> T
    ) async throws -> T {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await ReplayCommandTests.seedSource(source, count: documents)
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let alerting = try monitors.map {
                    (
                        try FaultProxy(upstream: source.url, monitors: $0.source),
                        try FaultProxy(upstream: target.url, monitors: $0.target)
                    )
                }
                defer {
                    alerting?.0.stop()
                    alerting?.1.stop()
                }
                let tern = folder.appendingPathComponent(".tern")
                let sourceLog = try CaptureLogWriter(directory: tern.appendingPathComponent("capture").path)
                let targetLog = try CaptureLogWriter(directory: tern.appendingPathComponent("capture-target").path)
                let proxy = try CaptureProxy(
                    configuration: CaptureProxyConfiguration(
                        source: source.configuration(role: "source"), target: target.configuration(role: "target"),
                        adminToken: Secret("token"), holdTimeout: .seconds(60)),
                    sourceSink: sourceLog, targetSink: targetLog, logger: Logger(label: "proxy"))
                let port = try await proxy.start()
                try """
                source:
                  endpoint: \((alerting?.0.url ?? source.url).absoluteString)
                target:
                  endpoint: \((alerting?.1.url ?? target.url).absoluteString)
                migration:
                  indices: [orders]
                  proxy: http://127.0.0.1:\(port)
                cutover:
                  gate_sample: 0.5
                \(extraConfiguration)
                """.write(to: folder.appendingPathComponent("tern.yml"), atomically: true, encoding: .utf8)
                let result = try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await proxy.run() }
                    do {
                        let result = try await body(
                            BlueGreen(
                                source: source, target: target, port: port, folder: folder,
                                sourceEndpoint: alerting?.0.url ?? source.url, targetEndpoint: alerting?.1.url ?? target.url))
                        await proxy.shutdown()
                        try await group.waitForAll()
                        return result
                    } catch {
                        await proxy.shutdown()
                        try? await group.waitForAll()
                        throw error
                    }
                }
                // Decommission may have deleted the folders under them.
                try? await sourceLog.close()
                try? await targetLog.close()
                return result
            }
        }
    }

    /// Clients writing through the proxy until stopped: new documents and updates of their own documents, so every
    /// acknowledged write has one expected final content. Records every answer.
    final class Clients: Sendable {
        let statuses = Mutex<[Int: Int]>([:])
        let expected = Mutex<[String: String]>([:])
        let stop = Atomic<Bool>(false)

        func run(_ world: BlueGreen, workers: Int) async {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var round = 0
                        while !self.stop.load(ordering: .relaxed) {
                            let id = "w\(worker)-\(round % 40)"
                            let body = #"{"worker":\#(worker),"round":\#(round)}"#
                            let status = (try? await world.write(.PUT, "/orders/_doc/\(id)", body)) ?? 0
                            self.statuses.withLock { $0[status, default: 0] += 1 }
                            if status == 200 || status == 201 {
                                self.expected.withLock { $0[id] = #"{"round":\#(round),"worker":\#(worker)}"# }
                            }
                            round += 1
                        }
                    }
                }
            }
        }

        var failed: [Int: Int] { statuses.withLock { $0.filter { $0.key != 200 && $0.key != 201 } } }
        var acknowledged: Int { statuses.withLock { ($0[200] ?? 0) + ($0[201] ?? 0) } }
    }

    static func phase(_ world: BlueGreen) async throws -> String? {
        let status = try await world.tern(["status", "--json"])
        let json = try JSONValue.parse(Array(status.stdout.utf8))
        return json["phase"]?.stringValue
    }

    @Test func aFullRunWithContinuousClientWritesCutsOverWithoutAFailedRequestAndLosesNothing() async throws {
        try await Self.withBlueGreen { world in
            let clients = Clients()
            let writing = Task { await clients.run(world, workers: 3) }
            try await Task.sleep(for: .milliseconds(300))
            let migrate = try await world.tern(["migrate", "--cutover", "--json"])
            #expect(migrate.status == 0, "\(migrate.stdout)\(migrate.stderr)")
            let outcome = try JSONValue.parse(Array(migrate.stdout.utf8))
            #expect(outcome["ok"]?.boolValue == true)
            let written = clients.acknowledged
            try await Task.sleep(for: .milliseconds(500))
            clients.stop.store(true, ordering: .relaxed)
            await writing.value
            #expect(clients.failed.isEmpty, "clients saw failed requests: \(clients.failed)")
            #expect(clients.acknowledged > written, "writes after the cutover were acknowledged")
            #expect(try await world.proxyMode() == "target")
            #expect(try await world.sourceWriteBlock("orders") == "true")

            // The gate compared with writes held and found no difference; the cutover recorded it.
            let cutover = try await world.tern(["status", "--json"])
            let status = try JSONValue.parse(Array(cutover.stdout.utf8))
            #expect(status["phase"]?.stringValue == "cut-over", "\(cutover.stdout)")
            let steps = status["operations"]?.arrayValue?.first { $0["kind"]?.stringValue == "cutover" }?["steps"]?.arrayValue ?? []
            #expect(
                steps.compactMap { $0["step"]?.stringValue } == [
                    "preconditions", "hold-writes", "block-source", "drain", "validate", "switch-clients", "switch-monitors",
                ])
            // osmem has no Alerting plugin: there are no monitors to switch.
            #expect(steps.dropLast().allSatisfy { $0["status"]?.stringValue == "done" }, "\(steps)")
            #expect(steps.last?["status"]?.stringValue == "skipped", "\(steps)")
            #expect(steps.first { $0["step"]?.stringValue == "validate" }?["detail"]?.stringValue?.contains("0 documents differ") == true)

            // Every acknowledged write is on the target with its last content, before and after the cutover.
            let onTarget = try await world.target.documents(in: "orders")
            for (id, content) in clients.expected.withLock({ $0 }) {
                #expect(onTarget[id]?.canonicalSource == content, "\(id)")
            }
            #expect(onTarget.count == 600 + clients.expected.withLock { $0.count })
            // Writes after the cutover reached the target only.
            let onSource = try await world.source.documents(in: "orders")
            let newer = clients.expected.withLock { $0 }.filter { onSource[$0.key]?.canonicalSource != $0.value }
            #expect(!newer.isEmpty, "the source does not have the writes made after the cutover")

            let again = try await world.tern(["cutover"])
            #expect(again.status == 0 && again.stdout.contains("Nothing to do"), "\(again.stdout)")
            let audit = try String(contentsOf: world.folder.appendingPathComponent(".tern/audit.log"), encoding: .utf8)
            #expect(audit.contains(#""operation":"cutover""#) && audit.contains(#""event":"completed""#))
        }
    }

    @Test func aFailedValidationGateAbortsAndLeavesTheSourceWritable() async throws {
        try await Self.withBlueGreen { world in
            let migrate = try await world.tern(["migrate"])
            #expect(migrate.status == 0, "\(migrate.stdout)\(migrate.stderr)")
            #expect(try await Self.phase(world) == "ready-for-cutover")
            // A write that bypasses the proxy (and so the capture log): only the gate can notice it.
            _ = try await SearchClient.withClient(world.source.configuration(role: "source"), logger: Logger(label: "test")) {
                try await $0.send(.PUT, "/orders/_doc/planted", query: [("refresh", "true")], body: Array(#"{"planted":true}"#.utf8))
            }
            let cutover = try await world.tern(["cutover"])
            #expect(cutover.status == 1, "\(cutover.stdout)\(cutover.stderr)")
            #expect(cutover.stdout.contains("Cutover aborted: validate: the validation gate found differences"), "\(cutover.stdout)")
            #expect(try await world.proxyMode() == "source")
            #expect(try await world.sourceWriteBlock("orders") == nil, "the block this cutover placed is gone")
            #expect(try await world.write(.PUT, "/orders/_doc/after-abort", #"{"ok":1}"#) == 201)
            #expect(try await Self.phase(world) == "ready-for-cutover")
            let audit = try String(contentsOf: world.folder.appendingPathComponent(".tern/audit.log"), encoding: .utf8)
            #expect(audit.contains(#""event":"aborted""#))
        }
    }

    @Test func aCutoverKilledInEachStepFinishesWhenRunAgain() async throws {
        try await Self.withBlueGreen(documents: 300) { world in
            let migrate = try await world.tern(["migrate"])
            #expect(migrate.status == 0, "\(migrate.stdout)\(migrate.stderr)")
            let clients = Clients()
            let writing = Task { await clients.run(world, workers: 2) }
            for step in ["preconditions", "hold-writes", "block-source", "drain", "validate", "switch-clients"] {
                let killed = try await world.tern(["cutover"], crashAt: "cutover.\(step)")
                #expect(killed.status == SIGKILL, "killed in \(step): \(killed.stdout)\(killed.stderr)")
                let resumed = try await world.tern(["cutover"])
                #expect(resumed.status == 0, "resumed after \(step): \(resumed.stdout)\(resumed.stderr)")
                #expect(try await world.proxyMode() == "target", "after \(step)")
                let back = try await world.tern(["rollback"])
                #expect(back.status == 0, "rollback after \(step): \(back.stdout)\(back.stderr)")
                #expect(try await world.proxyMode() == "source")
            }
            clients.stop.store(true, ordering: .relaxed)
            await writing.value
            #expect(clients.failed.isEmpty, "clients saw failed requests: \(clients.failed)")
            // The clients are on the source again: it has every acknowledged write, and the target follows it.
            let onSource = try await world.source.documents(in: "orders")
            for (id, content) in clients.expected.withLock({ $0 }) {
                #expect(onSource[id]?.canonicalSource == content, "\(id)")
            }
            let replay = try await world.tern(["replay", "--until-drained"])
            #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
            let validation = try await world.tern(["validate", "--no-metadata"])
            #expect(validation.status == 0, "\(validation.stdout)")
        }
    }

    @Test func rollbackAfterCutoverCarriesTheTargetsWritesToTheSource() async throws {
        try await Self.withBlueGreen(documents: 300) { world in
            let migrate = try await world.tern(["migrate", "--cutover"])
            #expect(migrate.status == 0, "\(migrate.stdout)\(migrate.stderr)")
            #expect(try await world.write(.PUT, "/orders/_doc/t-new", #"{"on":"target"}"#) == 201)
            #expect(try await world.write(.POST, "/orders/_update/o5", #"{"doc":{"n":-5}}"#) == 200)
            #expect(try await world.write(.DELETE, "/orders/_doc/o6") == 200)
            let bulk =
                "{\"index\":{\"_index\":\"orders\",\"_id\":\"t-bulk\"}}\n{\"on\":\"bulk\"}\n{\"delete\":{\"_index\":\"orders\",\"_id\":\"o7\"}}\n"
            #expect(try await ReplayCommandTests.send(world.port, .POST, "/_bulk", bulk, ndjson: true) == 200)

            let rollback = try await world.tern(["rollback", "--json"])
            #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
            #expect(try await world.proxyMode() == "source")
            #expect(try await world.sourceWriteBlock("orders") == nil)
            #expect(try await Self.phase(world) == "rolled-back")
            let onSource = try await world.source.documents(in: "orders")
            let onTarget = try await world.target.documents(in: "orders")
            #expect(onSource == onTarget)
            #expect(onSource["t-new"] != nil && onSource["t-bulk"] != nil && onSource["o6"] == nil && onSource["o7"] == nil)
            #expect(onSource["o5"]?.canonicalSource.contains(#""n":-5"#) == true)
            let reverse = try await world.tern([
                "validate", "--source", world.target.url.absoluteString, "--target", world.source.url.absoluteString, "--no-metadata",
            ])
            #expect(reverse.status == 0, "\(reverse.stdout)")
            // The source takes writes again, through the proxy.
            #expect(try await world.write(.PUT, "/orders/_doc/after-rollback", #"{"ok":1}"#) == 201)
        }
    }

    /// A monitor as the Alerting plugin stores it.
    static func monitor(_ name: String, enabled: Bool) -> String {
        #"{"type":"monitor","schema_version":8,"name":"\#(name)","monitor_type":"query_level_monitor","enabled":\#(enabled),"enabled_time":\#(enabled ? "1714557600000" : "null"),"schedule":{"period":{"interval":1,"unit":"MINUTES"}},"inputs":[{"search":{"indices":["orders"],"query":{"size":0,"query":{"match_all":{}}}}}],"triggers":[],"last_update_time":1714557600000,"owner":"alerting"}"#
    }

    static func enabled(_ proxy: URL, _ id: String) async throws -> Bool? {
        try await SearchClient.withClient(ClusterConfiguration(role: "check", endpoints: [proxy]), logger: Logger(label: "test")) {
            client in
            try await client.getJSON("/_plugins/_alerting/monitors/\(id)")["monitor"]?["enabled"]?.boolValue
        }
    }

    @Test func cutoverSwitchesTheMigratedMonitorsToTheTargetAndRollbackSwitchesThemBackWithAnAlertingStandIn() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sourceFile = folder.appendingPathComponent("source-monitors.json")
        let targetFile = folder.appendingPathComponent("target-monitors.json")
        // On the source "disk" runs and "quiet" is off; both were migrated disabled, with the target's own ids.
        try #"{"s1":\#(Self.monitor("disk", enabled: true)),"s2":\#(Self.monitor("quiet", enabled: false))}"#.write(
            to: sourceFile, atomically: true, encoding: .utf8)
        try #"{"t1":\#(Self.monitor("disk", enabled: false)),"t2":\#(Self.monitor("quiet", enabled: false))}"#.write(
            to: targetFile, atomically: true, encoding: .utf8)
        try await Self.withBlueGreen(documents: 200, monitors: (sourceFile, targetFile)) { world in
            let migrate = try await world.tern(["migrate", "--cutover", "--json"])
            #expect(migrate.status == 0, "\(migrate.stdout)\(migrate.stderr)")
            let (source, target) = (world.sourceEndpoint, world.targetEndpoint)
            #expect(try await Self.enabled(target, "t1") == true)
            #expect(try await Self.enabled(source, "s1") == false)
            #expect(try await Self.enabled(target, "t2") == false, "a monitor the operator had disabled stays disabled")
            let cutover = try await world.tern(["status", "--json"])
            #expect(cutover.stdout.contains("switch-monitors"), "\(cutover.stdout)")

            let rollback = try await world.tern(["rollback", "--json"])
            #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
            #expect(try await Self.enabled(source, "s1") == true)
            #expect(try await Self.enabled(target, "t1") == false)
            #expect(try await Self.enabled(source, "s2") == false)
        }
        // Every alerting request Tern sent is one the Alerting plugin's REST handlers accept.
        for file in [sourceFile, targetFile] {
            let log = URL(fileURLWithPath: file.path + ".requests.ndjson")
            #expect(try String(contentsOf: log, encoding: .utf8).contains(#""method": "PUT""#))
            let violations = try OpenSearchAPISpecification.shared.violations(inRequestLog: log)
            #expect(violations.isEmpty, "\(violations)")
        }
    }

    @Test func switchHooksRunInOrderAndAFailingOneAbortsWithTheRollbackHooks() async throws {
        try await Self.withBlueGreen(documents: 100) { world in
            let hooks = world.folder.appendingPathComponent("hooks.log").path
            let configuration = world.folder.appendingPathComponent("tern.yml")
            let base = try String(contentsOf: configuration, encoding: .utf8)
                .replacingOccurrences(of: "  proxy: http://127.0.0.1:\(world.port)\n", with: "")
            func configure(_ switchHooks: String) throws {
                try
                    (base + """
                          hooks:
                            switch: \(switchHooks)
                            rollback: "echo rollback $TERN_TARGET >> \(hooks)"

                        """).write(to: configuration, atomically: true, encoding: .utf8)
            }
            try configure(#"["echo switch-1 >> \#(hooks)", "echo not good >&2; exit 3"]"#)
            let migrate = try await world.tern(["migrate"])
            #expect(migrate.status == 0, "\(migrate.stdout)\(migrate.stderr)")
            let failed = try await world.tern(["cutover"])
            #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
            #expect(failed.stdout.contains("exited with status 3") && failed.stdout.contains("not good"), "\(failed.stdout)")
            let ran = try String(contentsOfFile: hooks, encoding: .utf8)
            #expect(ran.hasPrefix("switch-1\nrollback http://127.0.0.1:") && ran.split(separator: "\n").count == 2, "\(ran)")
            #expect(try await world.sourceWriteBlock("orders") == nil)

            try configure(#""echo switch-ok >> \#(hooks)""#)
            let dryRun = try await world.tern(["cutover", "--dry-run"])
            #expect(dryRun.status == 0 && dryRun.stdout.contains("Ready"), "\(dryRun.stdout)")
            let cutover = try await world.tern(["cutover"])
            #expect(cutover.status == 0, "\(cutover.stdout)\(cutover.stderr)")
            #expect(try await world.sourceWriteBlock("orders") == "true", "without a proxy the block keeps stray writers off the source")

            let early = try await world.tern(["decommission"])
            #expect(early.status == 1 && early.stderr.contains("steady period"), "\(early.stderr)")
            let decommission = try await world.tern(["decommission", "--steady-period", "0s", "--delete-capture-logs", "--yes"])
            #expect(decommission.status == 0, "\(decommission.stdout)\(decommission.stderr)")
            #expect(decommission.stdout.contains("final snapshot"))
            #expect(try await world.sourceWriteBlock("orders") == nil)
            #expect(!FileManager.default.fileExists(atPath: world.folder.appendingPathComponent(".tern/capture").path))
            #expect(try await Self.phase(world) == "decommissioned")
        }
    }
}
