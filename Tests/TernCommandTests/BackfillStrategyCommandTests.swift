import Foundation
import TernTestSupport
import Testing

/// `tern backfill --strategy remote-reindex | snapshot-restore` from the command line (the runners themselves are
/// tested in MigrationTests, on recorded exchanges where osmem has no API).
@Suite(.serialized) struct BackfillStrategyCommandTests {
    @Test func remoteReindexExplainsTheAllowlistOsmemEnforces() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("logs")
                try await source.seed(index: "logs", documents: [OsmemServer.SeedDocument(id: "1", source: #"{"a":1}"#)])
                let state = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: state) }
                let result = try await TernBinary.run([
                    "backfill", "--strategy", "remote-reindex", "--source", source.url.absoluteString, "--target",
                    target.url.absoluteString,
                    "--state-dir", state.path,
                ])
                #expect(result.status == 2, "\(result.stderr)")
                let port = source.url.port ?? 0
                #expect(result.stderr.contains("127.0.0.1:\(port)"), "\(result.stderr)")
                #expect(result.stderr.contains("reindex.remote.allowlist"), "\(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "one sentence: \(result.stderr)")
            }
        }
    }

    @Test func strategiesRefuseOptionsThatDoNotApply() async throws {
        let fileTarget = try await TernBinary.run([
            "backfill", "--strategy", "remote-reindex", "--source", "http://127.0.0.1:9", "--to-file", "/tmp/x.ndjson",
        ])
        #expect(fileTarget.status == 2)
        #expect(fileTarget.stderr.contains("runs between two clusters"))
        let noLocation = try await TernBinary.run([
            "backfill", "--strategy", "snapshot-restore", "--source", "http://127.0.0.1:9", "--target", "http://127.0.0.1:9",
        ])
        #expect(noLocation.status == 2)
        #expect(noLocation.stderr.contains("--repository-location"))
        let fastLoad = try await TernBinary.run([
            "backfill", "--strategy", "remote-reindex", "--source", "http://127.0.0.1:9", "--target", "http://127.0.0.1:9", "--fast-load",
        ])
        #expect(fastLoad.status == 2)
    }
}
