import AsyncHTTPClient
import Capture
import Foundation
import NIOCore
import Synchronization
import TernTestSupport
import Testing

/// The built `tern proxy` killed with SIGKILL in the middle of a write load, restarted on the same capture folder, and
/// the whole log read back: every write a client got a 2xx for is in it, request and answer.
@Suite("tern proxy killed with SIGKILL")
struct ProxyKillTests {
    @Test("no acknowledged write is lost and no record is damaged across kill -9 and restart")
    func killNine() async throws {
        try await OsmemServer.with { server in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-proxy-kill-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let capture = folder.appendingPathComponent("capture").path
            let arguments = ["proxy", "--source", server.url.absoluteString, "--capture-dir", capture, "--json"]

            let first = try ProxyProcess(arguments + ["--listen", "127.0.0.1:0"])
            let port = first.port
            let load = WriteLoad(url: "http://127.0.0.1:\(port)", workers: 8)
            let running = Task { await load.run() }

            try await load.waitForAcknowledged(150)
            first.kill9()
            let acknowledgedAtKill = load.acknowledged
            try await Task.sleep(for: .milliseconds(300))

            // A crash can leave half a record at the end; make sure there is one, so the restart must repair it.
            let tornBytes = try Self.tearTail(of: capture)

            let second = try ProxyProcess(arguments + ["--listen", "127.0.0.1:\(port)"])
            defer { second.kill9() }
            let recovered = second.announcement["recovered"] as? String
            // Either the crash or tearTail left an unfinished record; the restarted writer cuts it and says so.
            #expect(recovered != nil)
            if tornBytes > 0 {
                #expect(recovered?.contains("Cut \(tornBytes) bytes") == true, "\(recovered ?? "no recovery reported")")
            }
            try await load.waitForAcknowledged(acknowledgedAtKill + 150)
            load.stop()
            await running.value
            #expect(second.terminate() == 0)

            let (entries, damage) = try CaptureLogReader(directory: capture).readToEnd(treatIncompleteTailAsDamage: true)
            #expect(damage == nil, "\(damage?.description ?? "")")
            var requests: [UInt64: CaptureRecord] = [:]
            var responses: [UInt64: CaptureRecord] = [:]
            for entry in entries {
                let record = entry.record
                switch record.kind {
                case .request:
                    // Concurrent writes append in their own order, but an id is never handed out twice, restart or not.
                    #expect(requests[record.exchange] == nil, "exchange \(record.exchange) was used twice")
                    requests[record.exchange] = record
                case .response:
                    #expect(requests[record.exchange] != nil, "a response without its request: exchange \(record.exchange)")
                    responses[record.exchange] = record
                }
            }
            var exchangeByTarget: [String: UInt64] = [:]
            for (exchange, request) in requests { exchangeByTarget[request.target] = exchange }

            let acknowledged = load.acknowledgedWrites
            #expect(acknowledged.count > acknowledgedAtKill)
            var missing: [String] = []
            for (id, status) in acknowledged {
                guard let exchange = exchangeByTarget["/load/_doc/\(id)"], let request = requests[exchange],
                    let response = responses[exchange], response.status == status,
                    request.method == "PUT", String(decoding: request.body, as: UTF8.self) == WriteLoad.body(id)
                else {
                    missing.append(id)
                    continue
                }
            }
            #expect(missing.isEmpty, "acknowledged writes without a matching request and response record: \(missing.sorted().prefix(20))")

            let stored = try await server.documents(in: "load")
            #expect(acknowledged.keys.allSatisfy { stored[$0] != nil })
        }
    }

    /// Appends the first half of the last record to the newest segment, as a write cut short by the crash would leave it,
    /// unless the crash already left an incomplete record there.
    /// - Returns: the bytes appended (0 when the tail was already torn).
    private static func tearTail(of directory: String) throws -> Int {
        let reader = CaptureLogReader(directory: directory)
        let (entries, damage) = try reader.readToEnd(treatIncompleteTailAsDamage: true)
        guard damage == nil, let last = entries.last else { return 0 }
        let path = URL(fileURLWithPath: directory).appendingPathComponent(CaptureLogFormatName.segment(last.position.segment)).path
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(last.position.offset))
        let record = try #require(try handle.read(upToCount: Int(last.next.offset - last.position.offset)))
        let half = record.prefix(record.count / 2)
        try handle.seekToEnd()
        try handle.write(contentsOf: half)
        return half.count
    }
}

/// Segment file names as the capture log writes them (`segment-00000000000000000001.tcl`).
private enum CaptureLogFormatName {
    static func segment(_ number: UInt64) -> String {
        CapturePosition(segment: number, offset: 0).description.split(separator: "@").first.map(String.init) ?? ""
    }
}

/// Concurrent clients that each index documents with fresh ids through the proxy and remember every 2xx answer.
private final class WriteLoad: Sendable {
    let url: String
    let workers: Int
    private let nextID = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let answers = Mutex<[String: Int]>([:])

    init(url: String, workers: Int) {
        self.url = url
        self.workers = workers
    }

    static func body(_ id: String) -> String { #"{"n":"\#(id)","pad":"kill-nine"}"# }

    /// Writes until ``stop()``; connection failures (the proxy is down) are counted as not acknowledged, and the load goes on.
    func run() async {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(5))
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while !self.stopped.load(ordering: .relaxed) {
                        let id = String(self.nextID.wrappingAdd(1, ordering: .relaxed).newValue)
                        var request = HTTPClientRequest(url: "\(self.url)/load/_doc/\(id)")
                        request.method = .PUT
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: Self.body(id)))
                        do {
                            let response = try await client.execute(request, timeout: .seconds(10))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            if (200..<300).contains(response.status.code) {
                                self.answers.withLock { $0[id] = Int(response.status.code) }
                            }
                        } catch {
                            try? await Task.sleep(for: .milliseconds(20))
                        }
                    }
                }
            }
        }
        try? await client.shutdown()
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    var acknowledged: Int { answers.withLock { $0.count } }

    /// Each acknowledged id and the status its client got.
    var acknowledgedWrites: [String: Int] { answers.withLock { $0 } }

    func waitForAcknowledged(_ count: Int) async throws {
        try await eventually("\(count) acknowledged writes", every: .milliseconds(10)) { acknowledged >= count }
    }
}

/// The built `tern proxy` as a child process; its startup line (`--json`) read from standard output.
/// `@unchecked Sendable`: every property is set once in `init` (the announcement is a parsed JSON object).
private final class ProxyProcess: @unchecked Sendable {
    let child: ChildProcess
    let announcement: [String: Any]
    let port: Int

    init(_ arguments: [String]) throws {
        child = try ChildProcess(
            executable: TernExecutable.path, arguments: arguments, environment: ["TERN_PROXY_TOKEN": "kill-test-token"])
        let line = child.firstLine() ?? ""
        guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let listen = json["listen"] as? String, let port = URL(string: listen)?.port
        else {
            child.kill9()
            throw TestSupportError("tern proxy did not announce itself: '\(line)'")
        }
        announcement = json
        self.port = port
    }

    func kill9() { child.kill9() }

    /// SIGTERM and wait for the drain (at most 20 s); the exit status.
    func terminate() -> Int32 { child.terminate(grace: 20) }
}
