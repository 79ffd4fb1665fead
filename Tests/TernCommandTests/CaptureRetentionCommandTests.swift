import Capture
import Foundation
import TernCore
import TernTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `tern replay --metrics-listen` and `tern proxy --retention`, through the built binary against real osmem servers: the
/// replay's saved position is what lets the proxy delete applied segments.
@Suite("tern proxy --retention, tern replay --metrics-listen")
struct CaptureRetentionCommandTests {
    @Test("help documents both options")
    func help() async throws {
        let proxy = try await TernBinary.run(["proxy", "serve", "--help"])
        #expect(proxy.stdout.contains("--retention") && proxy.stdout.contains("--state-dir"), "\(proxy.stdout)")
        let replay = try await TernBinary.run(["replay", "run", "--help"])
        #expect(replay.stdout.contains("--metrics-listen"), "\(replay.stdout)")
    }

    @Test("a bad --retention or --metrics-listen is refused with exit code 2")
    func badInput() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let proxy = try await TernBinary.run([
            "proxy", "--source", "http://127.0.0.1:9", "--capture-dir", folder.appendingPathComponent("capture").path, "--retention",
            "a while",
        ])
        #expect(proxy.status == 2)
        #expect(proxy.stderr.contains("is not a duration"), "\(proxy.stderr)")
        let replay = try await TernBinary.run([
            "replay", "--source", "http://127.0.0.1:9", "--target", "http://127.0.0.1:9", "--metrics-listen", "nowhere",
        ])
        #expect(replay.status == 2)
        #expect(replay.stderr.contains("--metrics-listen 'nowhere' is not HOST:PORT"), "\(replay.stderr)")
    }

    @Test("a following replay serves its progress as metrics; the proxy then deletes the segments it applied")
    func metricsAndRetention() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("books", body: "{}")
                try await target.createIndex("books", body: "{}")
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let capture = folder.appendingPathComponent("capture").path
                let state = folder.appendingPathComponent("state").path
                let writes = 30
                let segmentsBefore = try await Self.writeLog(capture, writes: writes)
                #expect(segmentsBefore.count > 3)

                let stderr = folder.appendingPathComponent("replay.err")
                let replay = try TernBinary.start(
                    [
                        "replay", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--capture-dir", capture,
                        "--state-dir", state, "--metrics-listen", "127.0.0.1:0",
                    ], stderr: stderr)
                defer { if replay.isRunning { replay.terminate() } }
                let url = try await eventually("the metrics address") {
                    let text = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
                    return text.split(separator: "\n").first { $0.hasPrefix("Replay metrics at ") }.map { String($0.dropFirst(18)) }
                }
                #expect(url.hasPrefix("http://127.0.0.1:") && url.hasSuffix("/metrics") && !url.contains(":0/"), "\(url)")
                let first = try await Self.scrape(url)
                #expect(first.contains("# TYPE tern_replay_exchanges_applied_total counter"), "\(first)")
                let applied = try await eventually("every write applied") {
                    let text = try await Self.scrape(url)
                    return text.contains("tern_replay_exchanges_applied_total \(writes)\n") ? text : nil
                }
                #expect(applied.contains("tern_replay_documents_written_total \(writes)\n"), "\(applied)")
                #expect(applied.contains("tern_replay_position_segment \(segmentsBefore.last!)\n"), "\(applied)")
                #expect(applied.contains("tern_replay_last_write_timestamp_seconds "), "\(applied)")
                replay.terminate()
                replay.waitUntilExit()
                #expect(try await target.documents(in: "books").count == writes)

                let proxy = try RunningProxy(
                    source: source.url, folder: folder, extra: ["--retention", "0s", "--state-dir", state, "--log-level", "info"])
                defer { proxy.stop() }
                // Everything before the segment the replay stands in goes; that one stays (as does any the proxy writes).
                let left = try await eventually("the applied segments removed") {
                    let segments = try Self.segments(capture)
                    return segments.first == segmentsBefore.last ? segments : nil
                }
                #expect(left.first == segmentsBefore.last, "\(left)")
                // The proxy logs the removal after the files are gone: wait for the line rather than race it.
                try await eventually("the removal logged") { proxy.standardError.contains("capture segments removed") }
                #expect(proxy.terminate() == 0)
            }
        }
    }

    @Test("without a replay position the proxy deletes nothing")
    func noReplayKeepsEverything() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = folder.appendingPathComponent("capture").path
        let segments = try await Self.writeLog(capture, writes: 30)
        try await OsmemServer.with { source in
            let proxy = try RunningProxy(
                source: source.url, folder: folder,
                extra: ["--retention", "0s", "--state-dir", folder.appendingPathComponent("state").path])
            defer { proxy.stop() }
            try await Task.sleep(for: .seconds(1))
            #expect(try Self.segments(capture) == segments)
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("state").path))
            #expect(proxy.terminate() == 0)
        }
    }

    /// A log of `writes` answered PUTs to `books`, in small segments; returns the segment numbers.
    static func writeLog(_ directory: String, writes: Int) async throws -> [UInt64] {
        let writer = try CaptureLogWriter(directory: directory, options: CaptureLogOptions(segmentBytes: 1024))
        let json = [CaptureHeader(name: "content-type", value: "application/json")]
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for n in 1...writes {
            let exchange = writer.nextExchange()
            try await writer.append(
                .request(
                    exchange: exchange, timestampMillis: now, method: "PUT", target: "/books/_doc/\(n)", headers: json,
                    body: Array(#"{"title":"book \#(n)","pad":"\#(String(repeating: "x", count: 200))"}"#.utf8)),
                durable: false)
            try await writer.append(
                .response(
                    exchange: exchange, timestampMillis: now, status: 201, headers: json,
                    body: Array(
                        #"{"_index":"books","_id":"\#(n)","_version":1,"result":"created","_seq_no":\#(n),"_primary_term":1}"#.utf8)))
        }
        try await writer.close()
        return try segments(directory)
    }

    static func segments(_ directory: String) throws -> [UInt64] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("segment-") }.sorted().compactMap {
            UInt64($0.dropFirst("segment-".count).prefix { $0.isNumber })
        }
    }

    static func scrape(_ url: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return String(decoding: data, as: UTF8.self)
    }
}
