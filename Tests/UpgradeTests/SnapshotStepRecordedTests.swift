import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

@testable import Upgrade

/// The pre-upgrade snapshot against recorded `_snapshot` exchanges (osmem-server has no snapshot API).
@Suite struct SnapshotStepRecordedTests {
    let settings = UpgradeSettings(healthTimeout: .seconds(120), pollInterval: .milliseconds(50))
    let repositories = #"{"backups":{"type":"fs","settings":{"location":"/mnt/backups"}}}"#

    func take(_ server: RecordedExchangeServer, settings: UpgradeSettings) async throws -> (taken: String?, note: String) {
        try await SearchClient.withClient(server.configuration(role: "source"), logger: Logger(label: "test")) { client in
            try await SnapshotStep(client: client, settings: settings, resumeHint: "resume.").take(named: "tern-pre-upgrade-test")
        }
    }

    @Test func takesTheSnapshotAndWaitsForSuccessWithRecordedSnapshotAPI() async throws {
        try await RecordedExchangeServer.with([
            .init("GET", "/_snapshot", body: repositories),
            .init(
                "PUT", "/_snapshot/backups/tern-pre-upgrade-test?wait_for_completion=false", body: #"{"accepted":true}"#,
                expect: #"{"indices":"*","include_global_state":true}"#),
            .init(
                "GET", "/_snapshot/backups/tern-pre-upgrade-test",
                body: #"{"snapshots":[{"snapshot":"tern-pre-upgrade-test","state":"IN_PROGRESS"}]}"#),
            .init(
                "GET", "/_snapshot/backups/tern-pre-upgrade-test",
                body: #"{"snapshots":[{"snapshot":"tern-pre-upgrade-test","state":"SUCCESS"}]}"#),
        ]) { server in
            let result = try await take(server, settings: settings)
            #expect(result.taken == "backups/tern-pre-upgrade-test" && result.note == "Snapshot backups/tern-pre-upgrade-test taken.")
            #expect(try server.unexpected().isEmpty)
            #expect(try server.requests("GET", "/_snapshot/backups/tern-pre-upgrade-test").count == 2)
        }
    }

    @Test func aPartialSnapshotStopsTheUpgradeWithRecordedSnapshotAPI() async throws {
        _ = try await RecordedExchangeServer.with([
            .init("GET", "/_snapshot", body: repositories),
            .init("PUT", "/_snapshot/backups/tern-pre-upgrade-test?wait_for_completion=false", body: #"{"accepted":true}"#),
            .init("GET", "/_snapshot/backups/tern-pre-upgrade-test", body: #"{"snapshots":[{"state":"PARTIAL"}]}"#),
        ]) { server in
            await #expect(
                throws: TernError(
                    .upgradeGate,
                    "The pre-upgrade snapshot backups/tern-pre-upgrade-test ended PARTIAL; look at GET _snapshot/backups/tern-pre-upgrade-test, then resume."
                )
            ) {
                _ = try await take(server, settings: settings)
            }
        }
    }

    @Test func aConfiguredRepositoryThatIsNotRegisteredStopsWithRecordedSnapshotAPI() async throws {
        try await RecordedExchangeServer.with([.init("GET", "/_snapshot", body: repositories)]) { server in
            var settings = settings
            settings.snapshotRepository = "s3-backups"
            do {
                _ = try await take(server, settings: settings)
                Issue.record("no error")
            } catch let error as TernError {
                #expect(
                    error.kind == .upgradeGate
                        && error.message.contains(
                            "The snapshot repository s3-backups (tern.yml upgrade.snapshot_repository) is not registered")
                )
            }
            #expect(try server.requests().count == 1, "nothing but the repository list was asked")
        }
    }

    @Test func noRepositoryMeansNoSnapshotWithRecordedSnapshotAPI() async throws {
        try await RecordedExchangeServer.with([.init("GET", "/_snapshot", body: "{}")]) { server in
            let result = try await take(server, settings: settings)
            #expect(result.taken == nil && result.note == "No snapshot repository is registered: no pre-upgrade snapshot was taken.")
        }
    }
}
