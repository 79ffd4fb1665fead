import Foundation
import Logging
import TernCore
import TernTestSupport
import Testing

@testable import Backfill
@testable import State

/// Snapshot/restore against recorded request/response exchanges: no test server here offers `_snapshot`, so the source
/// (Elasticsearch) and the target (OpenSearch) answer as the documentation shows.
@Suite struct SnapshotRestoreRecordedTests {
    typealias Exchange = RecordedExchangeServer.Exchange
    static let location = "/mnt/shared/tern"

    func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    func temporaryFolder() -> String {
        ScratchFolder.path("tern-sr")
    }

    static func snapshotAnswer(state: String = "SUCCESS", failed: Int = 0, failures: String = "[]") -> String {
        #"{"snapshot":{"snapshot":"snap-1","uuid":"dKb54xw6RJm9jdaGGfmaUg","version_id":7100299,"version":"7.10.2","indices":["logs-1","logs-2","users"],"data_streams":[],"include_global_state":false,"state":"\#(state)","start_time":"2024-05-01T10:00:00.000Z","start_time_in_millis":1714557600000,"end_time":"2024-05-01T10:00:04.210Z","end_time_in_millis":1714557604210,"duration_in_millis":4210,"failures":\#(failures),"shards":{"total":3,"failed":\#(failed),"successful":\#(3 - failed)}}}"#
    }

    func source(
        _ product: RecordedAnswers.Product = .elasticsearch("7.10.2", flavor: "oss"), created: String = "7100299", extra: [Exchange]
    )
        throws -> RecordedExchangeServer
    {
        try RecordedExchangeServer(
            RecordedAnswers.identity(product)
                + RecordedAnswers.indices([
                    .init(name: ".kibana_1", documents: 12), .init(name: "logs-1", documents: 2, created: created),
                    .init(name: "logs-2", documents: 3), .init(name: "users", documents: 4),
                ]) + [RecordedAnswers.count("logs-1", 2), RecordedAnswers.count("logs-2", 3), RecordedAnswers.count("users", 4)] + extra)
    }

    static let registerSource = Exchange(
        "PUT", "/_snapshot/tern-migration", body: #"{"acknowledged":true}"#,
        expect: #"{"type":"fs","settings":{"location":"\#(location)"}}"#)
    static let registerTarget = Exchange(
        "PUT", "/_snapshot/tern-migration", body: #"{"acknowledged":true}"#,
        expect: #"{"type":"fs","settings":{"location":"\#(location)","readonly":true}}"#)

    func runner(
        _ source: RecordedExchangeServer, _ target: RecordedExchangeServer, snapshot: String? = "snap-1", state: String? = nil,
        location: String = Self.location
    )
        throws -> SnapshotRestoreRunner
    {
        SnapshotRestoreRunner(
            source: source.configuration(role: "source"), target: target.configuration(role: "target"),
            options: BackfillOptions(
                selection: IndexSelection(renames: [(from: "logs-*", to: "archive-*")])),
            snapshot: SnapshotRestoreOptions(repositoryLocation: location, snapshot: snapshot),
            store: try StateStore(folder: state ?? temporaryFolder()), logger: Logger(label: "test"))
    }

    @Test func snapshotRestoreAgainstRecordedExchanges() async throws {
        let source = try source(extra: [
            Self.registerSource,
            Exchange(
                "GET", "/_snapshot/tern-migration/snap-1", status: 404,
                body: RecordedAnswers.error("snapshot_missing_exception", "[tern-migration:snap-1] is missing", status: 404)),
            Exchange("PUT", "/_snapshot/tern-migration/snap-1?wait_for_completion=true", body: Self.snapshotAnswer()),
        ])
        defer { source.stop() }
        let target = try RecordedExchangeServer(
            RecordedAnswers.identity(.opensearch("2.19.1")) + [
                Self.registerTarget,
                Exchange(
                    "POST", "/_snapshot/tern-migration/snap-1/_restore?wait_for_completion=true",
                    body:
                        #"{"snapshot":{"snapshot":"snap-1","indices":["archive-1","archive-2"],"shards":{"total":2,"failed":0,"successful":2}}}"#,
                    expect: #"{"indices":["logs-1","logs-2"]}"#),
                Exchange(
                    "POST", "/_snapshot/tern-migration/snap-1/_restore?wait_for_completion=true",
                    body: #"{"snapshot":{"snapshot":"snap-1","indices":["users"],"shards":{"total":1,"failed":0,"successful":1}}}"#,
                    expect: #"{"indices":["users"]}"#),
                Exchange(
                    "GET", "/_cluster/health/archive-1,archive-2?wait_for_status=green&timeout=300s",
                    body:
                        #"{"cluster_name":"new-logs","status":"green","timed_out":false,"number_of_nodes":1,"number_of_data_nodes":1,"active_primary_shards":3,"active_shards":3,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":0,"delayed_unassigned_shards":0,"number_of_pending_tasks":0,"number_of_in_flight_fetch":0,"task_max_waiting_in_queue_millis":0,"active_shards_percent_as_number":100.0}"#
                ),
                Exchange(
                    "GET", "/_cluster/health/users?wait_for_status=green&timeout=300s",
                    body:
                        #"{"cluster_name":"new-logs","status":"green","timed_out":false,"number_of_nodes":1,"number_of_data_nodes":1,"active_primary_shards":3,"active_shards":3,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":0,"delayed_unassigned_shards":0,"number_of_pending_tasks":0,"number_of_in_flight_fetch":0,"task_max_waiting_in_queue_millis":0,"active_shards_percent_as_number":100.0}"#
                ),
                RecordedAnswers.count("archive-1", 2), RecordedAnswers.count("archive-2", 3), RecordedAnswers.count("users", 4),
            ])
        defer { target.stop() }
        let progress = BackfillProgress()
        let report = try await runner(source, target).run(progress: progress)

        try RecordedAnswers.expectOnlyRecorded(source)
        try RecordedAnswers.expectOnlyRecorded(target)
        let register = try #require(try source.requests("PUT", "/_snapshot/tern-migration").first)
        #expect(register.json == (try json(#"{"type":"fs","settings":{"location":"\#(Self.location)"}}"#)))
        let take = try #require(try source.requests("PUT", "/_snapshot/tern-migration/snap-1").first)
        #expect(take.path == "/_snapshot/tern-migration/snap-1?wait_for_completion=true")
        #expect(
            take.json == (try json(#"{"indices":["logs-1","logs-2","users"],"include_global_state":false,"ignore_unavailable":false}"#)))
        let readonly = try #require(try target.requests("PUT", "/_snapshot/tern-migration").first)
        #expect(readonly.json == (try json(#"{"type":"fs","settings":{"location":"\#(Self.location)","readonly":true}}"#)))
        let restores = try target.requests("POST", "/_snapshot/tern-migration/snap-1/_restore")
        #expect(restores.count == 2)
        #expect(
            restores.first?.json
                == (try json(
                    #"{"indices":["logs-1","logs-2"],"include_global_state":false,"index_settings":{"index.number_of_replicas":0},"rename_pattern":"^logs-(.*)$","rename_replacement":"archive-$1"}"#
                )))
        #expect(
            restores.last?.json
                == (try json(#"{"indices":["users"],"include_global_state":false,"index_settings":{"index.number_of_replicas":0}}"#)))

        #expect(report.complete && report.missing == 0 && report.read == 9 && report.written == 9)
        #expect(report.indices.map(\.target) == ["archive-1", "archive-2", "users"])
        #expect(report.indices.map(\.source) == ["logs-1", "logs-2", "users"])
        #expect(report.indices.allSatisfy { $0.sourceCount == $0.targetCount })
        #expect(progress.snapshot.unitsDone == 3 && progress.snapshot.written == 9 && progress.snapshot.expectedDocuments == 9)
    }

    @Test func partialSnapshotIsRefusedAgainstRecordedExchanges() async throws {
        let failures =
            #"[{"index":"logs-2","index_uuid":"Jx9H3v4bT0yQ2n2Lw5E0Tw","shard_id":0,"reason":"IndexShardSnapshotFailedException[Failed to snapshot]; nested: IOException[No space left on device]","node_id":"pD1Jb8VhRWGd8m7nY0JYtA","status":"INTERNAL_SERVER_ERROR"}]"#
        let source = try source(extra: [
            Self.registerSource,
            Exchange(
                "GET", "/_snapshot/tern-migration/snap-1", status: 404,
                body: RecordedAnswers.error("snapshot_missing_exception", "[tern-migration:snap-1] is missing", status: 404)),
            Exchange(
                "PUT", "/_snapshot/tern-migration/snap-1?wait_for_completion=true",
                body: Self.snapshotAnswer(state: "PARTIAL", failed: 1, failures: failures)),
        ])
        defer { source.stop() }
        let target = try RecordedExchangeServer(RecordedAnswers.identity(.opensearch("2.19.1")))
        defer { target.stop() }
        let thrown = await #expect(throws: TernError.self) { try await runner(source, target).run() }
        #expect(thrown?.kind == .snapshotFailed)
        #expect(thrown?.message.contains("ended PARTIAL with 1 of 3 shards failed") == true, "\(thrown?.message ?? "")")
        #expect(thrown?.message.contains("logs-2 shard 0") == true && thrown?.message.contains("No space left on device") == true)
        #expect(try target.requests().allSatisfy { !$0.path.hasPrefix("/_snapshot") }, "nothing is restored from a partial snapshot")
        try RecordedAnswers.expectOnlyRecorded(source)
    }

    @Test func pathRepoNotConfiguredAgainstRecordedExchanges() async throws {
        let reason =
            "[tern-migration] location [\(Self.location)] doesn't match any of the locations specified by path.repo because this setting is empty"
        let source = try source(extra: [
            Exchange(
                "PUT", "/_snapshot/tern-migration", status: 500,
                body: RecordedAnswers.error(
                    "repository_exception", "[tern-migration] failed to create repository", status: 500,
                    causedBy: ("repository_exception", reason)))
        ])
        defer { source.stop() }
        let target = try RecordedExchangeServer(RecordedAnswers.identity(.opensearch("2.19.1")))
        defer { target.stop() }
        let thrown = await #expect(throws: TernError.self) { try await runner(source, target).run() }
        #expect(thrown?.kind == .snapshotRepository)
        let message = thrown?.message ?? ""
        #expect(message.contains("add \(Self.location) (or a folder above it) to path.repo"))
        #expect(message.contains("on every node of both clusters") && message.contains("restart"))
    }

    @Test func anS3RepositoryIsRegisteredWithItsBucketOnBothAndReadOnlyOnTheTargetAgainstRecordedExchanges() async throws {
        let source = try source(extra: [
            Exchange(
                "PUT", "/_snapshot/tern-migration", body: #"{"acknowledged":true}"#,
                expect: #"{"type":"s3","settings":{"bucket":"backups","base_path":"tern/prod","client":"default"}}"#),
            Exchange(
                "GET", "/_snapshot/tern-migration/snap-1", status: 404,
                body: RecordedAnswers.error("snapshot_missing_exception", "[tern-migration:snap-1] is missing", status: 404)),
            Exchange("PUT", "/_snapshot/tern-migration/snap-1?wait_for_completion=true", body: Self.snapshotAnswer()),
        ])
        defer { source.stop() }
        let reason = "[tern-migration] repository type [s3] does not exist"
        let target = try RecordedExchangeServer(
            RecordedAnswers.identity(.opensearch("2.19.1")) + [
                Exchange(
                    "PUT", "/_snapshot/tern-migration", status: 500,
                    body: RecordedAnswers.error("repository_exception", reason, status: 500),
                    expect: #"{"type":"s3","settings":{"bucket":"backups","base_path":"tern/prod","client":"default","readonly":true}}"#)
            ])
        defer { target.stop() }
        let thrown = await #expect(throws: TernError.self) {
            try await runner(source, target, location: "s3://backups/tern/prod").run()
        }
        #expect(thrown?.kind == .snapshotRepository)
        #expect(
            thrown?.message.contains("has no s3 repository type: install the repository-s3 plugin on every node") == true,
            "\(thrown?.message ?? "")")
        let register = try #require(try source.requests("PUT", "/_snapshot/tern-migration").first)
        #expect(register.json == (try json(#"{"type":"s3","settings":{"bucket":"backups","base_path":"tern/prod","client":"default"}}"#)))
    }

    @Test(arguments: [
        ("gs://snaps", #"{"type":"gcs","settings":{"bucket":"snaps","client":"default","readonly":true}}"#),
        (
            "azure://backups/es/prod",
            #"{"type":"azure","settings":{"container":"backups","base_path":"es/prod","client":"default","readonly":true}}"#
        ),
        ("/mnt/shared", #"{"type":"fs","settings":{"location":"/mnt/shared","readonly":true}}"#),
    ])
    func registrationBodiesByKind(_ location: String, _ expected: String) throws {
        #expect(SnapshotRestoreOptions(repositoryLocation: location).registration(readonly: true) == (try json(expected)))
    }

    @Test func restoreOntoAnExistingIndexAgainstRecordedExchanges() async throws {
        let source = try source(extra: [
            Self.registerSource,
            Exchange(
                "GET", "/_snapshot/tern-migration/snap-1", body: "{\"snapshots\":[\(Self.snapshotAnswer().dropFirst(12).dropLast())]}"),
        ])
        defer { source.stop() }
        let state = temporaryFolder()
        let target = try RecordedExchangeServer(
            RecordedAnswers.identity(.opensearch("2.19.1")) + [
                Self.registerTarget,
                Exchange(
                    "POST", "/_snapshot/tern-migration/snap-1/_restore?wait_for_completion=true",
                    body:
                        #"{"snapshot":{"snapshot":"snap-1","indices":["archive-1","archive-2"],"shards":{"total":2,"failed":0,"successful":2}}}"#,
                    expect: #"{"indices":["logs-1","logs-2"]}"#),
                Exchange(
                    "GET", "/_cluster/health/archive-1,archive-2?wait_for_status=green&timeout=300s",
                    body:
                        #"{"cluster_name":"new-logs","status":"green","timed_out":false,"number_of_nodes":1,"number_of_data_nodes":1,"active_primary_shards":3,"active_shards":3,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":0,"delayed_unassigned_shards":0,"number_of_pending_tasks":0,"number_of_in_flight_fetch":0,"task_max_waiting_in_queue_millis":0,"active_shards_percent_as_number":100.0}"#
                ),
                RecordedAnswers.count("archive-1", 2), RecordedAnswers.count("archive-2", 3),
                Exchange(
                    "POST", "/_snapshot/tern-migration/snap-1/_restore?wait_for_completion=true", status: 500,
                    body: RecordedAnswers.error(
                        "snapshot_restore_exception",
                        "[tern-migration:snap-1/dKb54xw6RJm9jdaGGfmaUg] cannot restore index [users] because an open index with same name already exists in the cluster. Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name",
                        status: 500),
                    expect: #"{"indices":["users"]}"#),
            ])
        defer { target.stop() }
        let thrown = await #expect(throws: TernError.self) { try await runner(source, target, state: state).run() }
        #expect(try source.unexpected().isEmpty && (try target.unexpected().isEmpty))
        #expect(thrown?.kind == .snapshotFailed)
        #expect(thrown?.message.hasPrefix("Index users already exists on the target cluster") == true)
        #expect(thrown?.message.contains("delete it (DELETE /users) or restore under another name with --rename") == true)
        // The existing snapshot was restored as it is: no new snapshot was taken.
        #expect(try source.requests().allSatisfy { !($0.method == "PUT" && $0.path.contains("snap-1")) })
        let runs = try await StateStore(folder: state).runs(kind: .snapshotRestore)
        #expect(runs.first?.run.status == .running, "the run stays open so that the next start resumes it")
        #expect(runs.first?.units.map(\.status) == [.done, .done, .pending], "the restored group is not restored again")
    }

    @Test func restoredIndicesThatStayYellowAgainstRecordedExchanges() async throws {
        let source = try source(extra: [
            Self.registerSource, Exchange("PUT", "/_snapshot/tern-migration/snap-1?wait_for_completion=true", body: Self.snapshotAnswer()),
            Exchange(
                "GET", "/_snapshot/tern-migration/snap-1", status: 404,
                body: RecordedAnswers.error("snapshot_missing_exception", "[tern-migration:snap-1] is missing", status: 404)),
        ])
        defer { source.stop() }
        let target = try RecordedExchangeServer(
            RecordedAnswers.identity(.opensearch("2.19.1")) + [
                Self.registerTarget,
                Exchange(
                    "POST", "/_snapshot/tern-migration/snap-1/_restore?wait_for_completion=true",
                    body: #"{"snapshot":{"snapshot":"snap-1","shards":{"total":2,"failed":0,"successful":2}}}"#),
                Exchange(
                    "GET", "/_cluster/health/archive-1,archive-2?wait_for_status=green&timeout=300s", status: 408,
                    body:
                        #"{"cluster_name":"new-logs","status":"yellow","timed_out":true,"number_of_nodes":1,"number_of_data_nodes":1,"active_primary_shards":3,"active_shards":3,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":3}"#
                ),
            ])
        defer { target.stop() }
        let thrown = await #expect(throws: TernError.self) { try await runner(source, target).run() }
        #expect(thrown?.kind == .snapshotFailed)
        #expect(thrown?.message.contains("did not turn green") == true && thrown?.message.contains("3 unassigned shards") == true)
    }

    @Test(arguments: [
        (
            "elasticsearch-oss 6.8 into OpenSearch 2", RecordedAnswers.Product.elasticsearch("6.8.23", flavor: "oss"), "6082399",
            "same or the next major"
        ),
        ("Elasticsearch 7.17 into OpenSearch 2", .elasticsearch("7.17.9", flavor: "default"), "7170999", "7.11 and later"),
        ("an index created by 6.8 on 7.10 into OpenSearch 2", .elasticsearch("7.10.2", flavor: "oss"), "6082399", "logs-1"),
    ])
    func incompatibleVersionsAreRefusedAgainstRecordedExchanges(
        _ case: String, _ product: RecordedAnswers.Product, _ created: String, _ reason: String
    ) async throws {
        let source = try source(product, created: created, extra: [])
        defer { source.stop() }
        let target = try RecordedExchangeServer(RecordedAnswers.identity(.opensearch("2.19.1")))
        defer { target.stop() }
        let thrown = await #expect(throws: TernError.self) { try await runner(source, target).run() }
        #expect(thrown?.kind == .incompatibleVersions, "\(`case`)")
        #expect(thrown?.message.contains("cannot be restored into OpenSearch 2.19.1") == true, "\(`case`)")
        #expect(thrown?.message.contains(reason) == true, "\(`case`): \(thrown?.message ?? "")")
        #expect(try source.requests().allSatisfy { !$0.path.hasPrefix("/_snapshot") && $0.method == "GET" })
        #expect(try target.requests().allSatisfy { $0.method == "GET" })
    }
}
