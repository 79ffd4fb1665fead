import Foundation
import TernCore
import TernTestSupport
import Testing

/// `tern backfill --coordinate`: worker processes in separate folders (no shared local state) share one backfill through
/// a coordination index on a real osmem-server, through kills, a late join, a worker cut off from the coordination
/// cluster for longer than its lease, and a coordination cluster that pushes back.
@Suite struct SharedBackfillCommandTests {
    /// One claim-to-release stretch of one worker on one item, from the workers' trace (`TERN_COORDINATION_TRACE`).
    struct Holding: CustomStringConvertible {
        var worker: String
        var item: String
        var from: Int64
        var to: Int64?
        var description: String { "\(worker) held \(item) \(from)...\(to.map(String.init) ?? "kill")" }
    }

    struct Event: Decodable {
        var t: Int64
        var event: String
        var item: String
        var worker: String
    }

    static func monotonicNow() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    static func events(_ trace: URL) throws -> [Event] {
        guard let data = try? Data(contentsOf: trace) else { return [] }
        return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Event.self, from: Data($0)) }
    }

    /// The holdings in the trace; a holding without its release ends when its worker was killed.
    static func holdings(_ events: [Event], killedAt: [String: Int64]) -> [Holding] {
        var open: [String: Holding] = [:]
        var closed: [Holding] = []
        for event in events.sorted(by: { $0.t < $1.t }) {
            let key = "\(event.worker) \(event.item)"
            switch event.event {
            case "hold": open[key] = Holding(worker: event.worker, item: event.item, from: event.t)
            case "release":
                if var holding = open.removeValue(forKey: key) {
                    holding.to = event.t
                    closed.append(holding)
                }
            default: break
            }
        }
        for (_, var holding) in open {
            holding.to = killedAt.first { holding.worker.contains("-\($0.key)-") }?.value
            closed.append(holding)
        }
        return closed
    }

    static func worker(
        _ number: Int, source: URL, target: URL, coordination: URL, folder: URL, trace: URL
    ) throws -> ChildProcess {
        let directory = folder.appendingPathComponent("worker-\(number)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try ChildProcess(
            executable: TernExecutable.path,
            arguments: [
                "backfill", "--source", source.absoluteString, "--target", target.absoluteString, "--coordinate",
                "--coordination-cluster", coordination.absoluteString, "--lease", "2s", "--item-documents", "1000", "--page-size", "200",
                "--concurrency", "2", "--json",
            ],
            environment: ["TERN_COORDINATION_TRACE": trace.path, "NO_COLOR": "1"], directory: directory,
            standardError: directory.appendingPathComponent("stderr.txt"))
    }

    @Test func fiveWorkersFinishOneBackfillThroughKillsALateJoinACutOffWorkerAndPushback() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = folder.appendingPathComponent("trace.jsonl")
        var random = SeededRandom(seed: 18)
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                let indices = ["orders", "logs", "events"]
                for index in indices {
                    try await source.createIndex(index, body: #"{"settings":{"number_of_shards":3}}"#)
                    try await source.seed(
                        index: index,
                        documents: (0..<8000).map {
                            ("\(index)-\($0)", #"{"n":\#($0),"text":"document \#($0) of \#(index)","tags":["a","b"]}"#)
                        })
                }
                // Four workers reach the coordination index through one proxy (which will push back for a while), the
                // fifth through its own (which will cut it off).
                let shared = try FaultProxy(upstream: target.url)
                defer { shared.stop() }
                let cutOff = try FaultProxy(upstream: target.url)
                defer { cutOff.stop() }
                var workers = try (0..<4).map {
                    try Self.worker($0, source: source.url, target: target.url, coordination: shared.url, folder: folder, trace: trace)
                }
                let isolated = try Self.worker(
                    4, source: source.url, target: target.url, coordination: cutOff.url, folder: folder, trace: trace)
                defer { for worker in workers + [isolated] { worker.kill9() } }
                var killedAt: [String: Int64] = [:]

                // Kill two workers at random moments while they hold items.
                try await Task.sleep(for: .milliseconds(Int64(800 + random.below(1200))))
                killedAt["\(workers[0].process.processIdentifier)"] = Self.monotonicNow()
                workers[0].kill9()

                // Cut the fifth worker off from the coordination cluster for three leases while it holds an item.
                let isolatedTag = "-\(isolated.process.processIdentifier)-"
                try await eventually("the cut-off worker holds an item", within: .seconds(60)) {
                    let events = try Self.events(trace).filter { $0.worker.contains(isolatedTag) }
                    return events.last?.event == "hold"
                }
                let cutOffAt = Self.monotonicNow()
                cutOff.goDown()
                try await Task.sleep(for: .milliseconds(Int64(300 + random.below(900))))
                killedAt["\(workers[1].process.processIdentifier)"] = Self.monotonicNow()
                workers[1].kill9()

                // A late worker joins.
                workers.append(
                    try Self.worker(5, source: source.url, target: target.url, coordination: shared.url, folder: folder, trace: trace))
                // The coordination cluster answers 429/503 for a while.
                try await Task.sleep(for: .milliseconds(700))
                try await shared.setBusy(true)
                try await Task.sleep(for: .milliseconds(1200))
                try await shared.setBusy(false)
                try await Task.sleep(for: .milliseconds(3000))
                cutOff.comeBack()

                // The survivors finish, each only when every item is done.
                for worker in workers[2...] + [isolated] {
                    #expect(worker.waitForExit(timeout: 240), "a worker did not finish")
                    let stderr =
                        (try? String(contentsOf: worker.process.currentDirectoryURL!.appendingPathComponent("stderr.txt"), encoding: .utf8))
                        ?? ""
                    #expect(worker.process.terminationStatus == 0, "\(stderr.suffix(3000))")
                }
                #expect(try await shared.stats().busyAnswers > 0, "the coordination cluster never pushed back")

                // Every document is on the target, equal.
                for index in indices {
                    let expected = try await source.documents(in: index)
                    let actual = try await target.documents(in: index)
                    #expect(expected.count == 8000)
                    #expect(actual == expected, "\(index): \(expected.count - actual.count) missing or different")
                }

                // No item was marked done twice, and no two workers ever wrote the same item at the same time.
                let events = try Self.events(trace)
                let done = Dictionary(grouping: events.filter { $0.event == "done" }, by: \.item)
                // (A worker killed right after its done write applied never traced it: the index, read below, says
                // whether every item is done.)
                #expect(done.values.allSatisfy { $0.count == 1 }, "\(done.mapValues(\.count))")
                #expect(done.count >= 22, "\(done.mapValues(\.count))")
                let holdings = Self.holdings(events, killedAt: killedAt)
                for (item, stretches) in Dictionary(grouping: holdings, by: \.item) {
                    let ordered = stretches.sorted { $0.from < $1.from }
                    for (earlier, later) in zip(ordered, ordered.dropFirst()) {
                        let end = try #require(earlier.to, "\(earlier) never ended")
                        #expect(end <= later.from, "\(item): \(earlier) overlaps \(later)")
                    }
                }
                // The cut-off worker stopped writing what it held: it could not renew, so it stopped at three quarters of
                // its lease at the latest (allowing a second for a request in flight on a loaded machine). Whether it then
                // lost the item or marked it done depends on whether another worker took it over meanwhile.
                let heldWhenCut = holdings.filter { $0.worker.contains(isolatedTag) && $0.from < cutOffAt && ($0.to ?? .max) > cutOffAt }
                #expect(!heldWhenCut.isEmpty, "the cut-off worker held nothing when it was cut off")
                for holding in heldWhenCut {
                    #expect(holding.to.map { $0 - cutOffAt <= 2_500_000_000 } == true, "\(holding) went on writing after its lease")
                }
                // The kills and the cut-off left items to take over.
                #expect(holdings.count > 24, "no item was taken over")

                // Any machine sees the same picture.
                let status = try await TernBinary.run(
                    ["backfill", "status", "--coordinate", "--target", target.url.absoluteString, "--json"], in: folder)
                #expect(status.status == 0, "\(status.stderr)")
                let shown = try JSONValue.parse(Array(status.stdout.utf8))
                #expect(shown.arrayValue?.count == 1)
                #expect(shown.arrayValue?.first?["done"]?.intValue == 24)
                #expect(shown.arrayValue?.first?["documents_read"]?.intValue == 24000)
                let finished = shown.arrayValue?.first?["workers"]?.arrayValue?.filter { $0["state"]?.stringValue == "finished" }
                #expect(finished?.count == 4)
            }
        }
    }
}

extension SharedBackfillCommandTests {
    @Test("a snapshot item taken over resumes from its holder's checkpoint (assembled OpenSearch 3.1 layout)")
    func snapshotItemResumesFromCheckpoint() async throws {
        let shard = try LuceneFixtures.index("many-segments", lucene: .lucene99)
        let expected = try shard.expectedDocuments()
        let assembled = try AssembledRepository.assemble(.openSearch3, indices: [.init(name: "events", shards: [shard.folder])])
        defer { assembled.remove() }
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = folder.appendingPathComponent("trace.jsonl")
        try await OsmemServer.with { target in
            // A target that refuses many bulk requests with 429 slows the copy down, so the kill falls inside the item.
            let slow = try FaultProxy(upstream: target.url, faults: FaultProxy.Faults(wholeRejection: 0.6, seed: 7))
            defer { slow.stop() }
            func worker(_ number: Int) throws -> ChildProcess {
                let directory = folder.appendingPathComponent("worker-\(number)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                return try ChildProcess(
                    executable: TernExecutable.path,
                    arguments: [
                        "backfill", "--snapshot-repo", assembled.root.path, "--snapshot", "nightly", "--target", slow.url.absoluteString,
                        "--coordinate", "--coordination-cluster", target.url.absoluteString, "--lease", "1s", "--page-size", "20",
                        "--concurrency", "1", "--json",
                    ],
                    environment: ["TERN_COORDINATION_TRACE": trace.path], directory: directory,
                    standardError: directory.appendingPathComponent("stderr.txt"))
            }
            let first = try worker(1)
            defer { first.kill9() }
            // Kill the first worker once its lease records a checkpoint, as `tern backfill status` shows it.
            let checkpoint = try await eventually("a checkpoint is recorded", within: .seconds(180), every: .milliseconds(100)) {
                () async throws -> Int? in
                let status = try await TernBinary.run(
                    ["backfill", "status", "--coordinate", "--target", target.url.absoluteString, "--json"], in: folder)
                let leased = try? JSONValue.parse(Array(status.stdout.utf8)).arrayValue?.first?["leased"]?.arrayValue?.first
                return leased?["checkpoint"]?.intValue.map(Int.init).flatMap { $0 >= 100 ? $0 : nil }
            }
            first.kill9()
            let second = try worker(2)
            defer { second.kill9() }
            #expect(second.waitForExit(timeout: 240))
            let directory = folder.appendingPathComponent("worker-2")
            let stderr = (try? String(contentsOf: directory.appendingPathComponent("stderr.txt"), encoding: .utf8)) ?? ""
            #expect(second.process.terminationStatus == 0, "\(stderr.suffix(3000))")
            #expect(stderr.contains("resuming an item from its checkpoint"), "\(stderr.suffix(3000))")
            // The second worker skipped what the checkpoint said the target had (it may have been renewed further).
            let resumedAt = stderr.firstMatch(of: /documents=(\d+) .*resuming an item from its checkpoint/).flatMap { Int($0.1) }
            #expect((resumedAt ?? 0) >= checkpoint, "\(stderr.suffix(2000))")
            let taken = try Self.events(trace).filter { $0.event == "hold" }
            // (A first worker slowed past its own deadline takes its item back itself: more than two holds then.)
            #expect(taken.count >= 2 && Set(taken.map(\.item)).count == 1)
            let documents = try await target.documents(in: "events")
            #expect(documents.count == expected.count)
            for document in expected {
                let stored = try #require(documents[document.id], "\(document.id) is missing")
                let source = try JSONSerialization.jsonObject(with: Data(document.source.utf8), options: .fragmentsAllowed)
                #expect(stored.canonicalSource == (try OsmemServer.canonical(source)))
            }
        }
    }
}

extension SharedBackfillCommandTests {
    @Test func mistakesInTheSharingFlagsAreUsageErrors() async throws {
        let cases: [([String], String)] = [
            (["--coordinate", "--to-file", "/tmp/x.ndjson"], "cannot write --to-file"),
            (["--coordinate", "--fast-load"], "--fast-load cannot be shared"),
            (["--coordinate", "--limit", "10"], "--limit is a trial run"),
            (["--coordinate", "--run-name", "Not Valid"], "lowercase letters"),
            (["--coordinate", "--lease", "soon"], "--lease"),
            (["--coordinate", "--lease", "0s"], "at least 1s"),
            (["--run-name", "x"], "belong to --coordinate"),
        ]
        for (flags, sentence) in cases {
            let result = try await TernBinary.run(
                ["backfill", "--source", "http://127.0.0.1:9", "--target", "http://127.0.0.1:9"] + flags)
            #expect(result.status == 2, "\(flags): \(result.stderr)")
            #expect(result.stderr.contains(sentence), "\(flags): \(result.stderr)")
        }
        let status = try await TernBinary.run(["backfill", "status", "--run-name", "x"])
        #expect(status.status == 2 && status.stderr.contains("belong to --coordinate"), "\(status.stderr)")
    }

    @Test func theTargetsPasswordReachesNeitherTheCoordinationIndexNorTheOutput() async throws {
        let secret = "hunter2-coordination-secret"
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.seed(index: "orders", documents: (0..<300).map { ("\($0)", #"{"n":\#($0)}"#) })
                try """
                source:
                  endpoint: \(source.url.absoluteString)
                target:
                  endpoint: \(target.url.absoluteString)
                  auth:
                    type: basic
                    username: tern
                    password: ${TARGET_PASSWORD}
                """.write(to: folder.appendingPathComponent("tern.yml"), atomically: true, encoding: .utf8)
                let run = try await TernBinary.run(
                    ["backfill", "--coordinate", "--item-documents", "100", "--log-level", "trace", "--json"], in: folder,
                    environment: ["TARGET_PASSWORD": secret])
                #expect(run.status == 0, "\(run.stderr)")
                let report = try JSONValue.parse(Array(run.stdout.utf8))
                #expect(report["complete"]?.boolValue == true && report["read"]?.intValue == 300)
                #expect(report["coordination"]?["items_done"]?.intValue == 3)
                let status = try await TernBinary.run(
                    ["backfill", "status", "--coordinate", "--log-level", "trace"], in: folder, environment: ["TARGET_PASSWORD": secret])
                #expect(status.status == 0, "\(status.stderr)")
                #expect(status.stdout.contains("items 3 done, 0 leased, 0 pending of 3"), "\(status.stdout)")
                let stored = try await target.send(
                    .POST, "/.tern-coordination-*/_search", query: [("expand_wildcards", "all")], body: Array(#"{"size":100}"#.utf8))
                let text = String(decoding: stored, as: UTF8.self)
                #expect(text.contains("\"type\":\"plan\""), "\(text.prefix(500))")
                for output in [run.stdout, run.stderr, status.stdout, status.stderr, text] {
                    #expect(!output.contains(secret), "the target's password leaked")
                }
                let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
                for file in files where file.lastPathComponent != "tern.yml" {
                    guard let data = try? Data(contentsOf: file) else { continue }
                    #expect(data.range(of: Data(secret.utf8)) == nil, "\(file.lastPathComponent) holds the password")
                }
            }
        }
    }
}

extension SharedBackfillCommandTests {
    @Test func refusedDocumentsFailEveryWorkerAndTheItemsNameWhereTheyAre() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("people", body: #"{"mappings":{"properties":{"age":{"type":"keyword"}}}}"#)
                try await source.seed(
                    index: "people",
                    documents: (1...400).map {
                        ("p\($0)", $0 % 100 == 0 ? #"{"name":"n\#($0)","age":"not a number"}"# : #"{"name":"n\#($0)","age":\#($0)}"#)
                    })
                try await target.createIndex(
                    "people", body: #"{"mappings":{"properties":{"name":{"type":"keyword"},"age":{"type":"integer"}}}}"#)
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let arguments = [
                    "backfill", "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--coordinate",
                    "--item-documents", "50", "--json",
                ]
                for worker in ["a", "b"] {
                    try FileManager.default.createDirectory(at: folder.appendingPathComponent(worker), withIntermediateDirectories: true)
                }
                async let first = TernBinary.run(arguments, in: folder.appendingPathComponent("a"))
                async let second = TernBinary.run(arguments, in: folder.appendingPathComponent("b"))
                var refusedHere = 0
                for result in try await [first, second] {
                    #expect(result.status == 1, "\(result.stderr)")
                    let report = try JSONValue.parse(Array(result.stdout.utf8))
                    #expect(report["failed"]?.intValue == 4 && report["complete"]?.boolValue == false)
                    #expect(report["dead_letter_file"]?.stringValue?.contains("dead-letter.ndjson") == true)
                }
                for worker in ["a", "b"] {
                    let file = folder.appendingPathComponent(worker).appendingPathComponent(".tern/dead-letter.ndjson")
                    refusedHere += ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").count
                }
                #expect(refusedHere == 4)
                let status = try await TernBinary.run(
                    ["backfill", "status", "--coordinate", "--target", target.url.absoluteString], in: folder)
                #expect(status.stdout.contains("4 refused") && status.stdout.contains("refused documents are in:"), "\(status.stdout)")
                #expect(try await target.documents(in: "people").count == 396)
            }
        }
    }
}
