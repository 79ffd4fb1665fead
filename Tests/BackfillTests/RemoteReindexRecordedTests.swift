import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

@testable import Backfill
@testable import State

/// Remote reindex against recorded request/response exchanges: no test server here runs `_reindex` from a remote with
/// `_tasks`, so the source (Elasticsearch 7.10.2) and the target (OpenSearch) answer as the documentation shows.
@Suite struct RemoteReindexRecordedTests {
    typealias Exchange = RecordedExchangeServer.Exchange
    static let password = "s3cret-pw"
    static let node = "oTUltX4IQMOUUVeiohTt8A"

    static let logsDefinition = #"""
        {"logs":{"aliases":{"current":{}},"mappings":{"properties":{"message":{"type":"text","analyzer":"folded"},"kept":{"type":"boolean"},"n":{"type":"integer"}}},
        "settings":{"index":{"creation_date":"1700000000000","number_of_shards":"2","number_of_replicas":"1","uuid":"4yzV5lzNRDiJrd8Yt5x1Vw",
        "version":{"created":"7100299"},"provided_name":"logs","routing":{"allocation":{"include":{"_tier_preference":"data_content"}}},
        "analysis":{"analyzer":{"folded":{"type":"custom","tokenizer":"standard","filter":["lowercase","asciifolding"]}}}}}}}
        """#

    static func task(
        _ id: Int, completed: Bool, total: Int, created: Int, updated: Int = 0, conflicts: Int = 0, failures: String = "[]",
        error: String? = nil
    ) -> String {
        let counts =
            #""total":\#(total),"updated":\#(updated),"created":\#(created),"deleted":0,"batches":1,"version_conflicts":\#(conflicts),"noops":0,"retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1.0,"throttled_until_millis":0"#
        var text =
            #"{"completed":\#(completed),"task":{"node":"\#(node)","id":\#(id),"type":"transport","action":"indices:data/write/reindex","status":{\#(counts)},"description":"reindex from [scheme=http host=127.0.0.1 port=9200 username=migrator password=<<>>][logs] to [logs-v2][_doc]","start_time_in_millis":1700000000000,"running_time_in_nanos":1500000000,"cancellable":true,"headers":{}}"#
        if let error {
            text += #","error":\#(error)"#
        } else if completed {
            text +=
                #","response":{"took":1480,"timed_out":false,\#(counts),"throttled":"0s","throttled_until":"0s","failures":\#(failures)}"#
        }
        return text + "}"
    }

    static let emptyReindex =
        #"{"took":3,"timed_out":false,"total":0,"updated":0,"created":0,"deleted":0,"batches":0,"version_conflicts":0,"noops":0,"retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1.0,"throttled_until_millis":0,"failures":[]}"#

    func temporaryFolder() -> String {
        ScratchFolder.path("tern-rr")
    }

    func sourceServer(extra: [Exchange] = []) throws -> RecordedExchangeServer {
        try RecordedExchangeServer(
            RecordedAnswers.identity(.elasticsearch("7.10.2", flavor: "default"))
                + RecordedAnswers.indices([
                    .init(name: ".kibana_1", documents: 12), .init(name: "logs", documents: 5, primaries: 2),
                    .init(name: "users", documents: 3),
                ]) + extra)
    }

    @Test func remoteReindexAgainstRecordedExchanges() async throws {
        let source = try sourceServer(extra: [
            Exchange("GET", "/logs", body: Self.logsDefinition),
            Exchange(
                "GET", "/users",
                body:
                    #"{"users":{"aliases":{},"mappings":{"_doc":{"properties":{"name":{"type":"keyword"}}}},"settings":{"index":{"number_of_shards":"1","uuid":"x"}}}}"#
            ),
            RecordedAnswers.count("logs", 5, expect: #"{"query":{"term":{"kept":true}}}"#),
            RecordedAnswers.count("users", 3, expect: #"{"query":{"term":{"kept":true}}}"#),
        ])
        defer { source.stop() }
        let target = try RecordedExchangeServer(
            RecordedAnswers.identity(.opensearch("2.19.1")) + [
                Exchange("POST", "/_reindex?wait_for_completion=true", body: Self.emptyReindex, expect: #"{"source":{"index":"logs"}}"#),
                Exchange("HEAD", "/logs-v2", status: 404),
                Exchange("PUT", "/logs-v2", body: #"{"acknowledged":true,"shards_acknowledged":true,"index":"logs-v2"}"#),
                Exchange(
                    "POST", "/_reindex?wait_for_completion=false", body: #"{"task":"\#(Self.node):12345"}"#,
                    expect: #"{"source":{"index":"logs"}}"#),
                Exchange("GET", "/_tasks/\(Self.node):12345", body: Self.task(12345, completed: false, total: 5, created: 2)),
                Exchange("GET", "/_tasks/\(Self.node):12345", body: Self.task(12345, completed: true, total: 5, created: 5)),
                Exchange("HEAD", "/users"),
                Exchange(
                    "POST", "/_reindex?wait_for_completion=false", body: #"{"task":"\#(Self.node):12346"}"#,
                    expect: #"{"source":{"index":"users"}}"#),
                Exchange(
                    "GET", "/_tasks/\(Self.node):12346",
                    body: Self.task(12346, completed: true, total: 3, created: 1, updated: 1, conflicts: 1)),
                Exchange("HEAD", "/logs-v2"),
                Exchange("POST", "/logs-v2/_refresh", body: #"{"_shards":{"total":2,"successful":2,"failed":0}}"#),
                RecordedAnswers.count("logs-v2", 5),
                Exchange("HEAD", "/users"),
                Exchange("POST", "/users/_refresh", body: #"{"_shards":{"total":1,"successful":1,"failed":0}}"#),
                RecordedAnswers.count("users", 3),
            ])
        defer { target.stop() }

        let log = CapturedLog()
        let options = BackfillOptions(
            selection: IndexSelection(renames: [(from: "logs", to: "logs-v2")]), query: Array(#"{"term":{"kept":true}}"#.utf8))
        let progress = BackfillProgress()
        let runner = RemoteReindexRunner(
            source: source.configuration(role: "source", auth: .basic(username: "migrator", password: Secret(Self.password))),
            target: target.configuration(role: "target"), options: options,
            reindex: RemoteReindexOptions(pollInterval: .milliseconds(20)), store: try StateStore(folder: temporaryFolder()),
            logger: log.logger)
        let report = try await runner.run(progress: progress)

        try RecordedAnswers.expectOnlyRecorded(source)
        try RecordedAnswers.expectOnlyRecorded(target)
        let host = "http://127.0.0.1:\(source.port)"
        let remote = #"{"host":"\#(host)","username":"migrator","password":"\#(Self.password)"}"#
        // The probe copies nothing: a query no document matches, answered at once.
        let probe = try #require(try target.requests("POST", "/_reindex").first)
        #expect(probe.path == "/_reindex?wait_for_completion=true")
        #expect(
            probe.json
                == (try JSONValue.parse(
                    Array(
                        #"{"source":{"remote":\#(remote),"index":"logs","size":1,"query":{"bool":{"must_not":[{"match_all":{}}]}}},"dest":{"index":"logs-v2"}}"#
                            .utf8))))
        // The new index gets the typeless mappings, the shard count and the analysis; nothing that names the source index.
        let create = try #require(try target.requests("PUT", "/logs-v2").first)
        #expect(
            create.json
                == (try JSONValue.parse(
                    Array(
                        #"{"settings":{"index":{"number_of_shards":"2","analysis":{"analyzer":{"folded":{"type":"custom","tokenizer":"standard","filter":["lowercase","asciifolding"]}}}}},"mappings":{"properties":{"message":{"type":"text","analyzer":"folded"},"kept":{"type":"boolean"},"n":{"type":"integer"}}}}"#
                            .utf8))))
        #expect(try target.requests("PUT", "/users").isEmpty, "an existing target index keeps its own definition")
        let tasks = try target.requests().filter { $0.path == "/_reindex?wait_for_completion=false" }
        #expect(tasks.count == 2)
        #expect(
            tasks.first?.json
                == (try JSONValue.parse(
                    Array(
                        #"{"conflicts":"proceed","source":{"remote":\#(remote),"index":"logs","query":{"term":{"kept":true}}},"dest":{"index":"logs-v2","version_type":"external"}}"#
                            .utf8))))
        #expect(tasks.last?.json?.value(at: "dest.index") == .string("users"))
        #expect(try target.requests("GET", "/_tasks/\(Self.node):12345").count == 2)
        // Tern's own requests to the target carry no credentials of the source.
        #expect(try target.requests().allSatisfy { $0.headers["authorization"] == nil })

        #expect(report.complete)
        #expect(report.unitsTotal == 2 && report.unitsDoneBefore == 0 && !report.resumed)
        #expect((report.read, report.written, report.alreadyNewer, report.failed, report.missing) == (8, 7, 1, 0, 0))
        let logs = try #require(report.indices.first { $0.target == "logs-v2" })
        #expect(logs.source == "logs" && logs.read == 5 && logs.written == 5 && logs.sourceCount == 5 && logs.targetCount == 5)
        let users = try #require(report.indices.first { $0.target == "users" })
        #expect(users.read == 3 && users.written == 2 && users.alreadyNewer == 1 && users.missing == 0)
        let snapshot = progress.snapshot
        #expect(snapshot.unitsTotal == 2 && snapshot.unitsDone == 2 && snapshot.written == 7 && snapshot.alreadyNewer == 1)

        let text = log.text
        #expect(!text.contains(Self.password))
        #expect(!text.contains(Data("migrator:\(Self.password)".utf8).base64EncodedString()))
        #expect(text.contains("reindex task completed"))
    }

    @Test func taskFailureAgainstRecordedExchanges() async throws {
        let source = try sourceServer(extra: [Exchange("GET", "/users", body: #"{"users":{"mappings":{},"settings":{}}}"#)])
        defer { source.stop() }
        let error =
            #"{"type":"illegal_argument_exception","reason":"Remote responded with a chunk that was too large. Use a smaller batch size.","caused_by":{"type":"content_too_long_exception","reason":"entity content is too long [115343360] for the configured buffer limit [104857600]"}}"#
        let target = try RecordedExchangeServer(
            RecordedAnswers.identity(.opensearch("2.19.1")) + [
                Exchange("POST", "/_reindex?wait_for_completion=true", body: Self.emptyReindex),
                Exchange("HEAD", "/users", status: 404),
                Exchange("PUT", "/users", body: #"{"acknowledged":true}"#),
                Exchange("POST", "/_reindex?wait_for_completion=false", body: #"{"task":"\#(Self.node):7"}"#),
                Exchange("GET", "/_tasks/\(Self.node):7", body: Self.task(7, completed: true, total: 3, created: 0, error: error)),
            ])
        defer { target.stop() }
        let log = CapturedLog()
        let runner = RemoteReindexRunner(
            source: source.configuration(
                role: "source", auth: .apiKey(Secret("VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="))),
            target: target.configuration(role: "target"),
            options: BackfillOptions(selection: IndexSelection(include: ["users"])),
            reindex: RemoteReindexOptions(pollInterval: .milliseconds(20)), store: try StateStore(folder: temporaryFolder()),
            logger: log.logger)
        let thrown = await #expect(throws: TernError.self) { try await runner.run() }
        #expect(thrown?.kind == .taskFailed)
        #expect(thrown?.message.contains("index users") == true)
        #expect(thrown?.message.contains("Use a smaller batch size") == true)
        #expect(thrown?.message.contains("\(Self.node):7") == true)
        // An API key travels as a header of the remote request, never into the message or the log.
        let task = try #require(try target.requests("POST", "/_reindex").last)
        #expect(
            task.json?.value(at: "source.remote.headers")
                == .object(["Authorization": .string("ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==")]))
        #expect(!(thrown?.message.contains("VnVhQ2ZHY0JDZGJr") ?? true) && !log.text.contains("VnVhQ2ZHY0JDZGJr"))
    }

    @Test func documentFailuresLeaveTheIndexPendingAgainstRecordedExchanges() async throws {
        let source = try sourceServer(extra: [
            Exchange("GET", "/users", body: #"{"users":{"mappings":{},"settings":{}}}"#), RecordedAnswers.count("users", 3),
        ])
        defer { source.stop() }
        let failures =
            #"[{"index":"users","type":"_doc","id":"3","cause":{"type":"mapper_parsing_exception","reason":"failed to parse field [age] of type [integer] in document with id '3'. Preview of field's value: 'old'"},"status":400}]"#
        let target = try RecordedExchangeServer(
            RecordedAnswers.identity(.opensearch("2.19.1")) + [
                Exchange("POST", "/_reindex?wait_for_completion=true", body: Self.emptyReindex),
                Exchange("HEAD", "/users", status: 404),
                Exchange("PUT", "/users", body: #"{"acknowledged":true}"#),
                Exchange("POST", "/_reindex?wait_for_completion=false", body: #"{"task":"\#(Self.node):8"}"#),
                Exchange(
                    "GET", "/_tasks/\(Self.node):8", body: Self.task(8, completed: true, total: 3, created: 2, failures: failures)),
                Exchange("HEAD", "/users"), Exchange("POST", "/users/_refresh"), RecordedAnswers.count("users", 2),
            ])
        defer { target.stop() }
        let log = CapturedLog()
        let state = temporaryFolder()
        let runner = RemoteReindexRunner(
            source: source.configuration(role: "source"), target: target.configuration(role: "target"),
            options: BackfillOptions(selection: IndexSelection(include: ["users"]), versioning: .none),
            reindex: RemoteReindexOptions(pollInterval: .milliseconds(20)), store: try StateStore(folder: state), logger: log.logger)
        let report = try await runner.run()
        try RecordedAnswers.expectOnlyRecorded(target)
        #expect(!report.complete)
        #expect((report.read, report.written, report.failed, report.missing) == (3, 2, 1, 1))
        let body = try #require(try target.requests("POST", "/_reindex").last?.json)
        #expect(body["conflicts"] == nil && body.value(at: "dest.version_type") == nil, "versioning none writes plain")
        #expect(log.text.contains("failed to parse field [age]"))
        // The index stays pending, so the next run copies it again.
        let runs = try await StateStore(folder: state).runs(kind: .remoteReindex)
        #expect(runs.first?.run.status == .running)
        #expect(runs.first?.units.first?.status == .pending)
        #expect(runs.first?.units.first?.counts.failed == 1)
    }

    @Test func taskThatDisappearsAgainstRecordedExchanges() async throws {
        let source = try sourceServer(extra: [Exchange("GET", "/users", body: #"{"users":{"mappings":{},"settings":{}}}"#)])
        defer { source.stop() }
        let target = try RecordedExchangeServer(
            RecordedAnswers.identity(.opensearch("2.19.1")) + [
                Exchange("POST", "/_reindex?wait_for_completion=true", body: Self.emptyReindex),
                Exchange("HEAD", "/users"),
                Exchange("POST", "/_reindex?wait_for_completion=false", body: #"{"task":"\#(Self.node):9"}"#),
                Exchange("GET", "/_tasks/\(Self.node):9", body: Self.task(9, completed: false, total: 3, created: 1)),
                Exchange(
                    "GET", "/_tasks/\(Self.node):9", status: 404,
                    body: RecordedAnswers.error(
                        "resource_not_found_exception", "task [\(Self.node):9] isn't running and hasn't stored its results", status: 404)),
            ])
        defer { target.stop() }
        let runner = RemoteReindexRunner(
            source: source.configuration(role: "source"), target: target.configuration(role: "target"),
            options: BackfillOptions(selection: IndexSelection(include: ["users"])),
            reindex: RemoteReindexOptions(pollInterval: .milliseconds(20)), store: try StateStore(folder: temporaryFolder()),
            logger: Logger(label: "test"))
        let thrown = await #expect(throws: TernError.self) { try await runner.run() }
        #expect(thrown?.kind == .taskFailed)
        #expect(thrown?.message.contains("disappeared") == true)
        #expect(thrown?.message.contains("index users") == true)
    }

    @Test func whitelistRefusalOfAnOpenSearch1TargetAgainstRecordedExchanges() async throws {
        let source = try sourceServer()
        defer { source.stop() }
        let refusal = "[127.0.0.1:\(source.port)] not whitelisted in reindex.remote.whitelist"
        let target = try RecordedExchangeServer(
            RecordedAnswers.identity(.opensearch("1.3.20")) + [
                Exchange(
                    "POST", "/_reindex?wait_for_completion=true", status: 400,
                    body: RecordedAnswers.error("illegal_argument_exception", refusal, status: 400))
            ])
        defer { target.stop() }
        let runner = RemoteReindexRunner(
            source: source.configuration(role: "source", auth: .basic(username: "migrator", password: Secret(Self.password))),
            target: target.configuration(role: "target"),
            options: BackfillOptions(selection: IndexSelection(include: ["users"])),
            store: try StateStore(folder: temporaryFolder()), logger: Logger(label: "test"))
        let thrown = await #expect(throws: TernError.self) { try await runner.run() }
        #expect(thrown?.kind == .remoteNotAllowlisted)
        let message = thrown?.message ?? ""
        #expect(message.contains("add \"127.0.0.1:\(source.port)\" to reindex.remote.whitelist in opensearch.yml on every target node"))
        #expect(message.contains("static node setting") && message.contains("restart"))
        #expect(!message.contains(Self.password))
        #expect(try target.requests("HEAD", "/users").isEmpty, "nothing is created before the probe passes")
    }

    @Test func remoteReindexResumesItsTaskAgainstRecordedExchanges() async throws {
        let source = try sourceServer(extra: [
            Exchange("GET", "/users", body: #"{"users":{"mappings":{},"settings":{}}}"#), RecordedAnswers.count("users", 3),
        ])
        defer { source.stop() }
        let target = try RecordedExchangeServer(
            RecordedAnswers.identity(.opensearch("2.19.1")) + [
                Exchange("POST", "/_reindex?wait_for_completion=true", body: Self.emptyReindex, times: 2),
                Exchange("HEAD", "/users", status: 404),
                Exchange("PUT", "/users", body: #"{"acknowledged":true}"#),
                Exchange("POST", "/_reindex?wait_for_completion=false", body: #"{"task":"\#(Self.node):10"}"#),
                Exchange("GET", "/_tasks/\(Self.node):10", body: Self.task(10, completed: false, total: 3, created: 1)),
                Exchange("GET", "/_tasks/\(Self.node):10", body: Self.task(10, completed: true, total: 3, created: 3)),
                Exchange("HEAD", "/users"), Exchange("POST", "/users/_refresh"), RecordedAnswers.count("users", 3),
            ])
        defer { target.stop() }
        let state = temporaryFolder()
        func runner(poll: Duration) throws -> RemoteReindexRunner {
            RemoteReindexRunner(
                source: source.configuration(role: "source"), target: target.configuration(role: "target"),
                options: BackfillOptions(selection: IndexSelection(include: ["users"])),
                reindex: RemoteReindexOptions(pollInterval: poll), store: try StateStore(folder: state), logger: Logger(label: "test"))
        }
        // The first run is stopped (as by Ctrl-C) while it waits between two polls of its task.
        let first = Task { try await runner(poll: .seconds(60)).run() }
        let deadline = ContinuousClock.now + .seconds(20)
        while try target.requests("GET", "/_tasks/\(Self.node):10").isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        first.cancel()
        _ = await first.result
        // The second run follows the same task instead of starting another.
        let report = try await runner(poll: .milliseconds(20)).run()
        #expect(report.resumed && report.complete)
        #expect(report.written == 3)
        #expect(try target.requests().filter { $0.path == "/_reindex?wait_for_completion=false" }.count == 1)
        try RecordedAnswers.expectOnlyRecorded(target)
    }
}
