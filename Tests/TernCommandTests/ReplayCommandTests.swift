import AsyncHTTPClient
import Capture
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TernCore
import TernTestSupport
import Testing

/// Keeping the target in sync: clients write through a real capture proxy (in this process, logging to a real capture
/// folder) into a real osmem source while `tern backfill` copies it; `tern replay` then applies the log to another osmem
/// and `tern validate` finds no difference.
@Suite(.serialized) struct ReplayCommandTests {
    /// A proxy with the durable log in `folder`, in front of `source`.
    static func withProxy<T>(source: OsmemServer, folder: URL, _ body: (Int) async throws -> T) async throws -> T {
        try await withProxy(source: source.configuration(role: "source"), folder: folder, body)
    }

    /// A proxy with the durable log in `folder`, in front of the cluster `source` describes.
    static func withProxy<T>(source: ClusterConfiguration, folder: URL, _ body: (Int) async throws -> T) async throws -> T {
        let writer = try CaptureLogWriter(directory: folder.appendingPathComponent("capture").path)
        let proxy = try CaptureProxy(
            configuration: CaptureProxyConfiguration(source: source, adminToken: Secret("token")),
            sourceSink: writer, logger: Logger(label: "proxy"))
        let port = try await proxy.start()
        let result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await proxy.run() }
            do {
                let result = try await body(port)
                await proxy.shutdown()
                try await group.waitForAll()
                return result
            } catch {
                await proxy.shutdown()
                try? await group.waitForAll()
                throw error
            }
        }
        try await writer.close()
        return result
    }

    /// Sends one request through the proxy; returns the status.
    @discardableResult
    static func send(_ port: Int, _ method: HTTPMethod, _ uri: String, _ body: String? = nil, ndjson: Bool = false) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(uri)")
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: ndjson ? "application/x-ndjson" : "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 16 << 20)
        return Int(response.status.code)
    }

    /// The writes of one load worker: every kind the replayer must handle, against documents the backfill copies too.
    static func load(_ port: Int, worker: Int, rounds: Int, existing: Int) async throws -> [Int: Int] {
        var statuses: [Int: Int] = [:]
        func note(_ status: Int) { statuses[status, default: 0] += 1 }
        for round in 0..<rounds {
            let k = (round * 37 + worker * 101) % existing + 1
            let n = worker * 10_000 + round
            note(try await send(port, .PUT, "/orders/_doc/new-\(n)", #"{"n":\#(n),"kind":"new"}"#))
            note(try await send(port, .POST, "/orders/_doc", #"{"n":\#(n),"kind":"auto"}"#))
            note(try await send(port, .POST, "/orders/_update/o\(k)", #"{"doc":{"status":"updated-\#(n)"}}"#))
            note(try await send(port, .POST, "/orders/_update/o\(k + 1)", #"{"script":{"source":"ctx._source.n += 1","lang":"painless"}}"#))
            note(try await send(port, .DELETE, "/orders/_doc/o\(k + 2)"))
            note(try await send(port, .PUT, "/orders/_create/o\(k + 3)", #"{"n":-1}"#))  // exists (or was deleted): 409 or 201
            note(try await send(port, .PUT, "/orders/_doc/r-\(n)?routing=user\(n % 3)", #"{"n":\#(n),"kind":"routed"}"#))
            let bulk = """
                {"index":{"_index":"orders","_id":"o\(k + 4)"}}
                {"n":\(k + 4),"kind":"bulk-overwrite"}
                {"create":{"_index":"orders"}}
                {"n":\(n),"kind":"bulk-auto"}
                {"delete":{"_index":"orders","_id":"o\(k + 5)"}}
                {"update":{"_index":"orders","_id":"o\(k + 6)"}}
                {"doc":{"status":"bulk-updated-\(n)"}}
                {"create":{"_index":"orders","_id":"o\(k + 7)"}}
                {"n":-2}

                """
            note(try await send(port, .POST, "/_bulk", bulk, ndjson: true))
        }
        return statuses
    }

    static func seedSource(_ source: OsmemServer, count: Int) async throws {
        try await source.createIndex("orders", body: #"{"settings":{"number_of_shards":2}}"#)
        try await source.seed(
            index: "orders", documents: (1...count).map { OsmemServer.SeedDocument(id: "o\($0)", source: #"{"n":\#($0),"kind":"seed"}"#) })
    }

    @Test func writesThroughTheProxyDuringABackfillReachTheTargetAndValidateClean() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seedSource(source, count: 3000)
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let clusters = ["--source", source.url.absoluteString, "--target", target.url.absoluteString]
                let state = folder.appendingPathComponent("state").path
                let capture = folder.appendingPathComponent("capture").path
                let statuses = try await Self.withProxy(source: source, folder: folder) { port in
                    async let backfill = TernBinary.run(["backfill"] + clusters + ["--index", "orders", "--state-dir", state])
                    let statuses = try await withThrowingTaskGroup(of: [Int: Int].self) { group in
                        for worker in 0..<4 { group.addTask { try await Self.load(port, worker: worker, rounds: 25, existing: 2990) } }
                        return try await group.reduce(into: [Int: Int]()) { $0.merge($1, uniquingKeysWith: +) }
                    }
                    let copied = try await backfill
                    #expect(copied.status == 0, "\(copied.stdout)\(copied.stderr)")
                    return statuses
                }
                #expect((statuses[200] ?? 0) + (statuses[201] ?? 0) > 500, "\(statuses)")
                #expect(statuses[409] ?? 0 > 0, "the source refused some creates, which must not reach the target: \(statuses)")
                let beforeReplay = try await TernBinary.run(["validate"] + clusters + ["--index", "orders", "--no-metadata"])
                #expect(beforeReplay.status == 1, "the backfill alone cannot hold the writes made during and after it")

                let replay = try await TernBinary.run(
                    ["replay"] + clusters + ["--capture-dir", capture, "--state-dir", state, "--until-drained", "--json"])
                #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
                let status = try await TernBinary.run(["replay", "status", "--capture-dir", capture, "--state-dir", state])
                #expect(status.stdout.contains("lag: 0 records"), "\(status.stdout)")

                let validation = try await TernBinary.run(
                    ["validate"] + clusters + ["--index", "orders", "--no-metadata", "--state-dir", state])
                #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
                let overview = try await TernBinary.run(["status", "--state-dir", state])
                #expect(overview.status == 0, "\(overview.stderr)")
                #expect(
                    overview.stdout.contains("lag: 0 records") && overview.stdout.contains("clean: 1 indices, 0 documents differ"),
                    "\(overview.stdout)")
                #expect(overview.stdout.contains("completed"), "the backfill run: \(overview.stdout)")
                let onTarget = try await target.documents(in: "orders")
                let onSource = try await source.documents(in: "orders")
                #expect(onTarget.count == onSource.count)
                #expect(onTarget == onSource)
            }
        }
    }

    @Test func aReplayerKilledAtRandomMomentsContinuesAndEndsWithoutDifference() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seedSource(source, count: 500)
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let clusters = ["--source", source.url.absoluteString, "--target", target.url.absoluteString]
                let state = folder.appendingPathComponent("state").path
                let capture = folder.appendingPathComponent("capture").path
                let copied = try await TernBinary.run(["backfill"] + clusters + ["--index", "orders", "--state-dir", state])
                #expect(copied.status == 0, "\(copied.stderr)")
                _ = try await Self.withProxy(source: source, folder: folder) { port in
                    try await withThrowingTaskGroup(of: [Int: Int].self) { group in
                        for worker in 0..<4 { group.addTask { try await Self.load(port, worker: worker, rounds: 40, existing: 490) } }
                        return try await group.reduce(into: [Int: Int]()) { $0.merge($1, uniquingKeysWith: +) }
                    }
                }
                let arguments =
                    ["replay"] + clusters + ["--capture-dir", capture, "--state-dir", state, "--until-drained", "--batch-size", "20"]
                var kills = 0
                for delay in [0.3, 0.5, 0.4, 0.7] {
                    let process = try TernBinary.start(arguments)
                    try await Task.sleep(for: .seconds(delay))
                    if process.isRunning {
                        kill(process.processIdentifier, SIGKILL)
                        kills += 1
                    }
                    process.waitUntilExit()
                }
                #expect(kills >= 2, "the replayer finished before it could be killed; make the log longer")
                let partial = try await TernBinary.run(["replay", "status", "--capture-dir", capture, "--state-dir", state, "--json"])
                // Mid-way the status answers; whether a killed replayer saved a position before its kill depends on how
                // fast the machine started it, so only the shape is checked here and the end state below.
                #expect(partial.status == 0, "\(partial.stdout)\(partial.stderr)")
                #expect(partial.stdout.hasPrefix("["), "\(partial.stdout)")
                let finished = try await TernBinary.run(arguments + ["--json"])
                #expect(finished.status == 0, "\(finished.stdout)\(finished.stderr)")
                let validation = try await TernBinary.run(["validate"] + clusters + ["--index", "orders", "--no-metadata"])
                #expect(validation.status == 0, "\(validation.stdout)")
                #expect(try await target.documents(in: "orders") == (try await source.documents(in: "orders")))
            }
        }
    }

    @Test func aTornLogTailIsReportedAndTheValidPrefixIsReplayed() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("orders")
                try await target.createIndex("orders")
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let capture = folder.appendingPathComponent("capture")
                try await Self.withProxy(source: source, folder: folder) { port in
                    for n in 1...20 { try await Self.send(port, .PUT, "/orders/_doc/d\(n)", #"{"n":\#(n)}"#) }
                }
                // A torn write: the last record (the answer for d20) cut in the middle.
                let segment = try #require(
                    try FileManager.default.contentsOfDirectory(atPath: capture.path).filter { $0.hasPrefix("segment-") }.sorted().last)
                let path = capture.appendingPathComponent(segment).path
                let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
                let handle = try #require(FileHandle(forWritingAtPath: path))
                try handle.truncate(atOffset: UInt64(size - 7))
                try handle.close()

                let replay = try await TernBinary.run([
                    "replay", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--capture-dir", capture.path,
                    "--state-dir", folder.appendingPathComponent("state").path, "--until-drained", "--unanswered-timeout", "0",
                ])
                #expect(replay.status == 1, "\(replay.stdout)\(replay.stderr)")
                #expect(replay.stdout.contains("DAMAGE: Capture log segment \(segment) is damaged at byte"), "\(replay.stdout)")
                // The valid prefix is applied; d20's outcome is unknown to the log, so it is re-read from the source.
                let documents = try await target.documents(in: "orders")
                #expect(documents.count == 20, "\(documents.keys.sorted())")
            }
        }
    }
}
