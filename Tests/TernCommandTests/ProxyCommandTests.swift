import Foundation
import TernCore
import TernTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `tern proxy`, `tern proxy status` and `tern proxy mode` against a real osmem source, through the built binary.
@Suite("tern proxy")
struct ProxyCommandTests {
    @Test("help teaches the subcommands and the serve options")
    func help() async throws {
        let group = try await TernBinary.run(["proxy", "--help"])
        #expect(group.status == 0)
        #expect(group.stdout.contains("tern proxy mode hold-writes"))
        #expect(group.stdout.contains("serve"))
        let serve = try await TernBinary.run(["proxy", "serve", "--help"])
        #expect(serve.status == 0)
        #expect(serve.stdout.contains("--listen"))
        #expect(serve.stdout.contains("--on-capture-failure"))
    }

    @Test(
        "bad input is one sentence and exit code 2",
        arguments: [
            (["--listen", "nowhere"], "is not HOST:PORT"),
            (["--listen", "127.0.0.1:70000"], "use 0 to 65535"),
            (["--max-log-size", "10XB"], "is not a size"),
            (["--max-body-size", "lots"], "is not a size"),
            (["--sync", "sometimes"], "is not a sync policy"),
            (["--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"], "holds no readable PEM certificate"),
        ])
    func badInput(arguments: [String], expected: String) async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await TernBinary.run(
            ["proxy", "--source", "http://127.0.0.1:9", "--capture-dir", folder.appendingPathComponent("capture").path] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    /// An osmem-server and `tern proxy` in front of it, writing into a fresh folder; both stopped and removed after `body`.
    func withProxy(_ body: (OsmemServer, URL, RunningProxy) async throws -> Void) async throws {
        try await OsmemServer.with { server in
            let folder = try TernBinary.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let proxy = try RunningProxy(source: server.url, folder: folder)
            defer { proxy.stop() }
            try await body(server, folder, proxy)
        }
    }

    @Test("a port in use and a capture folder in use are refused with exit code 2")
    func addressAndFolderInUse() async throws {
        try await withProxy { server, folder, first in

            let samePort = try await TernBinary.run([
                "proxy", "--source", server.url.absoluteString, "--listen", "127.0.0.1:\(first.port)", "--capture-dir",
                folder.appendingPathComponent("other").path,
            ])
            #expect(samePort.status == 2)
            #expect(samePort.stderr.contains("the address is in use"), "\(samePort.stderr)")

            let sameFolder = try await TernBinary.run([
                "proxy", "--source", server.url.absoluteString, "--listen", "127.0.0.1:0", "--capture-dir", first.captureDirectory,
            ])
            #expect(sameFolder.status == 2)
            #expect(sameFolder.stderr.contains("Another process is writing the capture log"), "\(sameFolder.stderr)")
            // The running proxy's token file was not replaced by the refused one.
            #expect(try await first.status()["mode"]?.stringValue == "source")
        }
    }

    @Test("writes go to the source and into the capture log; reads pass; status counts them; the token stays secret")
    func writesAreCaptured() async throws {
        try await withProxy { server, folder, proxy in

            #expect(try await HTTP.send("PUT", proxy.url + "/books/_doc/1", #"{"title":"Dune-one"}"#).status == 201)
            let bulk = """
                {"index":{"_index":"books","_id":"2"}}
                {"title":"Dune-two"}
                {"index":{"_index":"books","_id":"3"}}
                {"title":"Dune-three"}
                {"delete":{"_index":"books","_id":"2"}}

                """
            let bulkAnswer = try await HTTP.send("POST", proxy.url + "/_bulk", bulk, contentType: "application/x-ndjson")
            #expect(bulkAnswer.status == 200)
            #expect(bulkAnswer.body.contains(#""errors":false"#), "\(bulkAnswer.body)")
            #expect(try await HTTP.send("DELETE", proxy.url + "/books/_doc/3").status == 200)
            #expect(try await HTTP.send("GET", proxy.url + "/books/_doc/1").status == 200)

            #expect(try await server.documents(in: "books").keys.sorted() == ["1"])

            let status = try await proxy.status()
            let counters = status["counters"]
            #expect(counters?["writes_captured"]?.intValue == 3)
            #expect(counters?["writes_uncaptured"]?.intValue == 0)
            #expect((counters?["reads"]?.intValue ?? 0) >= 1)
            #expect(status["capture_position"]?["source"]?.stringValue?.hasPrefix("segment-") == true)

            let human = try await TernBinary.run(["proxy", "status", "--proxy", proxy.url, "--admin-token-file", proxy.tokenFile])
            #expect(human.status == 0)
            #expect(human.stdout.contains("source mode"))
            #expect(human.stdout.contains("writes captured 3"))

            // The records hold the bodies as sent (the log is not compressed).
            let log = try proxy.captureLogBytes()
            for text in ["Dune-one", "Dune-three", #""delete":{"_index":"books","_id":"2"}"#, "/books/_doc/3"] {
                #expect(log.range(of: Data(text.utf8)) != nil, "the capture log lacks \(text)")
            }

            // A generated token: a private file next to the capture folder, never printed.
            #expect(proxy.tokenFile == folder.appendingPathComponent("proxy.token").path)
            let attributes = try FileManager.default.attributesOfItem(atPath: proxy.tokenFile)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let token = try String(contentsOfFile: proxy.tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.count == 64)
            #expect(!proxy.startupLine.contains(token))
            #expect(!human.stdout.contains(token))
        }
    }

    @Test("hold-writes parks a write while a read passes; source releases it")
    func holdWrites() async throws {
        try await withProxy { server, folder, proxy in
            #expect(try await HTTP.send("PUT", proxy.url + "/books/_doc/1", #"{"title":"before"}"#).status == 201)

            let hold = try await proxy.admin(["mode", "hold-writes"])
            #expect(hold.status == 0, "\(hold.stderr)")
            #expect(hold.stdout.contains("switched from source to hold-writes"))

            let write = Task { try await HTTP.send("PUT", proxy.url + "/books/_doc/2", #"{"title":"held"}"#) }
            let read = try await HTTP.send("GET", proxy.url + "/books/_doc/1")
            #expect(read.status == 200)
            var held: Int64 = 0
            for _ in 0..<50 where held == 0 {
                try await Task.sleep(for: .milliseconds(100))
                held = try await proxy.status()["held_writes"]?.intValue ?? 0
            }
            #expect(held == 1)
            #expect(try await server.documents(in: "books").keys.sorted() == ["1"])

            let release = try await proxy.admin(["mode", "source", "--json"])
            #expect(release.status == 0)
            #expect(release.stdout.contains(#""previous" : "hold-writes""#), "\(release.stdout)")
            #expect(try await write.value.status == 201)
            #expect(try await server.documents(in: "books").keys.sorted() == ["1", "2"])
            let counters = try await proxy.status()["counters"]
            #expect(counters?["writes_held"]?.intValue == 1)
            #expect(counters?["writes_captured"]?.intValue == 2)
        }
    }

    @Test("a wrong or missing token and an unreachable proxy are one sentence with their exit codes")
    func adminFailures() async throws {
        try await withProxy { server, folder, proxy in

            let wrong = try await TernBinary.run(
                ["proxy", "status", "--proxy", proxy.url], in: folder, environment: ["TERN_PROXY_TOKEN": "not-the-token"])
            #expect(wrong.status == 3)
            #expect(wrong.stderr.contains("refused the admin token"), "\(wrong.stderr)")
            #expect(wrong.stderr.split(separator: "\n").count == 1)

            let wrongMode = try await TernBinary.run(
                ["proxy", "mode", "hold-writes", "--proxy", proxy.url], in: folder, environment: ["TERN_PROXY_TOKEN": "nope"])
            #expect(wrongMode.status == 3)
            #expect(try await proxy.status()["mode"]?.stringValue == "source")

            // No flag, no environment variable, no .tern/proxy.token in the working directory.
            let missing = try await TernBinary.run(["proxy", "status", "--proxy", proxy.url], in: folder)
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("No admin token"), "\(missing.stderr)")

            let noTarget = try await proxy.admin(["mode", "target"])
            #expect(noTarget.status == 2)
            #expect(noTarget.stderr.contains("target"), "\(noTarget.stderr)")

            let unreachable = try await TernBinary.run(
                ["proxy", "status", "--proxy", "http://127.0.0.1:9", "--admin-token-file", proxy.tokenFile])
            #expect(unreachable.status == 3)
            #expect(unreachable.stderr.contains("Nothing answers at http://127.0.0.1:9"), "\(unreachable.stderr)")
            #expect(unreachable.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test("tern proxy status and mode find the proxy and its generated token through migration: in tern.yml")
    func adminThroughConfiguration() async throws {
        try await withProxy { server, folder, proxy in
            let yaml = "migration:\n  proxy: \(proxy.url)\n  capture_dir: \(proxy.captureDirectory)\n"
            try yaml.write(to: folder.appendingPathComponent("tern.yml"), atomically: true, encoding: .utf8)

            let held = try await TernBinary.run(["proxy", "mode", "hold-writes"], in: folder)
            #expect(held.status == 0, "\(held.stderr)")
            #expect(held.stdout.contains("switched from source to hold-writes"), "\(held.stdout)")
            let status = try await TernBinary.run(["proxy", "status", "--json"], in: folder)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("\"hold-writes\""), "\(status.stdout)")
            #expect(try await TernBinary.run(["proxy", "mode", "source"], in: folder).status == 0)
            #expect(try await proxy.status()["mode"]?.stringValue == "source")

            // A token file named in tern.yml is used instead of the generated one.
            let wrongToken = folder.appendingPathComponent("wrong.token")
            try "not-the-token\n".write(to: wrongToken, atomically: true, encoding: .utf8)
            try (yaml + "  proxy_token_file: \(wrongToken.path)\n").write(
                to: folder.appendingPathComponent("tern.yml"), atomically: true, encoding: .utf8)
            let refused = try await TernBinary.run(["proxy", "status"], in: folder)
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("refused the admin token"), "\(refused.stderr)")
        }
    }

    @Test("SIGTERM drains and closes the log; a restart continues the same folder with the token from a file")
    func sigtermDrains() async throws {
        try await OsmemServer.with { server in
            let folder = try TernBinary.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let tokenFile = folder.appendingPathComponent("my.token")
            try "given-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
            let first = try RunningProxy(source: server.url, folder: folder, extra: ["--admin-token-file", tokenFile.path])
            #expect(first.tokenFile == tokenFile.path)
            #expect(try await HTTP.send("PUT", first.url + "/books/_doc/1", #"{"title":"one"}"#).status == 201)
            #expect(first.terminate() == 0)
            #expect(first.standardError.contains("Proxy stopped after"), "\(first.standardError)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("proxy.token").path))

            let second = try RunningProxy(
                source: server.url, folder: folder, extra: ["--listen", "127.0.0.1:\(first.port)"],
                environment: ["TERN_PROXY_TOKEN": "env-token"])
            defer { second.stop() }
            #expect(second.port == first.port)
            #expect(second.announcement["admin_token_file"] == nil)
            #expect(second.announcement["recovered"] == nil)
            #expect(try await HTTP.send("PUT", second.url + "/books/_doc/2", #"{"title":"two"}"#).status == 201)
            let status = try await TernBinary.run(
                ["proxy", "status", "--proxy", second.url, "--json"], environment: ["TERN_PROXY_TOKEN": "env-token"])
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains(#""writes_captured" : 1"#))
            let log = try second.captureLogBytes()
            #expect(log.range(of: Data(#"{"title":"one"}"#.utf8)) != nil)
            #expect(log.range(of: Data(#"{"title":"two"}"#.utf8)) != nil)
        }
    }
}

/// A `tern proxy` process started on a free port, its startup line read from standard output.
///
/// `@unchecked Sendable`: the `Process` is touched only in `init`, `stop` and `terminate`, and those are idempotent.
final class RunningProxy: @unchecked Sendable {
    let child: ChildProcess
    var process: Process { child.process }
    /// The startup line, parsed.
    let announcement: JSONValue
    let startupLine: String
    /// `http://127.0.0.1:PORT`
    let url: String
    let port: Int
    let captureDirectory: String
    let tokenFile: String
    private let stderrFile: URL

    /// - Parameters:
    ///   - folder: holds the capture folder (`capture`) and the generated token file.
    ///   - extra: more arguments; a later `--listen` replaces the free port.
    init(source: URL, folder: URL, extra: [String] = [], environment: [String: String] = [:]) throws {
        captureDirectory = folder.appendingPathComponent("capture").path
        stderrFile = folder.appendingPathComponent("proxy-\(UUID().uuidString).err")
        var changes: [String: String?] = ["TERN_PROXY_TOKEN": nil]
        for (key, value) in environment { changes[key] = value }
        child = try ChildProcess(
            executable: TernExecutable.path,
            arguments: ["proxy", "--source", source.absoluteString, "--listen", "127.0.0.1:0", "--capture-dir", captureDirectory, "--json"]
                + extra,
            environment: changes, standardError: stderrFile)
        let text = child.firstLine() ?? ""
        guard let json = try? JSONValue.parse(Array(text.utf8)), let listen = json["listen"]?.stringValue,
            let port = URL(string: listen)?.port
        else {
            child.kill9()
            let errors = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
            throw TestSupportError("tern proxy did not announce itself: '\(text)' \(errors)")
        }
        startupLine = text
        announcement = json
        url = listen
        self.port = port
        tokenFile = json["admin_token_file"]?.stringValue ?? ""
    }

    /// What the proxy wrote to standard error so far.
    var standardError: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// SIGKILL, nothing drains.
    func stop() { child.kill9() }

    /// SIGTERM, then waits (at most 20 s) for the drain; returns the exit status.
    func terminate() -> Int32 { child.terminate(grace: 20) }

    /// `tern proxy status --json`, parsed.
    func status() async throws -> JSONValue {
        let result = try await admin(["status", "--json"])
        guard result.status == 0 else { throw TestSupportError("tern proxy status failed (\(result.status)): \(result.stderr)") }
        guard let json = try? JSONValue.parse(Array(result.stdout.utf8)), json.objectValue != nil else {
            throw TestSupportError("tern proxy status --json printed no JSON object: \(result.stdout.prefix(2000))")
        }
        return json
    }

    /// `tern proxy ARGUMENTS --proxy URL` with this proxy's token (file or environment).
    func admin(_ arguments: [String]) async throws -> TernBinary.Result {
        var all = ["proxy"] + arguments + ["--proxy", url]
        if !tokenFile.isEmpty { all += ["--admin-token-file", tokenFile] }
        return try await TernBinary.run(all)
    }

    /// All segment files of the capture folder, concatenated.
    func captureLogBytes() throws -> Data {
        let names = try FileManager.default.contentsOfDirectory(atPath: captureDirectory).filter { $0.hasPrefix("segment-") }.sorted()
        var data = Data()
        for name in names { data.append(try Data(contentsOf: URL(fileURLWithPath: captureDirectory).appendingPathComponent(name))) }
        return data
    }
}

/// One HTTP request with URLSession (FoundationNetworking), as a client of the proxy would send it.
enum HTTP {
    struct Answer: Sendable {
        var status: Int
        var body: String
    }

    static func send(_ method: String, _ url: String, _ body: String? = nil, contentType: String = "application/json") async throws
        -> Answer
    {
        guard let target = URL(string: url) else { throw TestSupportError("bad URL \(url)") }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }
}
