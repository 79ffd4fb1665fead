import Foundation
import TernCore
import TernTestSupport
import Testing

@testable import Backfill

/// `tern snapshot` and `tern backfill --snapshot-repo` on repositories in a real S3 server (moto, checking every
/// signature), with the credentials an operator sets, and never a secret in what Tern prints or keeps.
@Suite struct ObjectStoreCommandTests {
    /// The environment an operator on a laptop would set for an S3-compatible store; HOME keeps this machine's ~/.aws out.
    static func environment(_ server: ObjectStoreServer, endpoint: URL? = nil) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": server.accessKeyID ?? "testing", "AWS_SECRET_ACCESS_KEY": server.secretAccessKey ?? "testing",
            "AWS_ENDPOINT_URL": (endpoint ?? server.endpoint).absoluteString, "AWS_REGION": "us-east-1", "HOME": "/nonexistent",
            "AWS_EC2_METADATA_DISABLED": "true", "TMPDIR": FileManager.default.temporaryDirectory.path,
        ]
    }

    @Test func snapshotCommandsReadAnS3RepositoryAndNeverPrintTheSecret() async throws {
        let name = "ES_7_10_Updates_Deletes_w_Soft"
        try await ObjectStoreServer.with(
            kind: .s3, uploads: [(folder: SnapshotCommandTests.repository(name), prefix: "base/path")], verifySignatures: true
        ) { server in
            let secret = try #require(server.secretAccessKey)
            let env = Self.environment(server)
            let url = "s3://\(server.bucket)/base/path"
            let list = try await TernBinary.run(["snapshot", "list", url, "--log-level", "trace"], environment: env)
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.stdout.contains("rfs_snapshot"), "\(list.stdout)")
            let remote = try await TernBinary.run(["snapshot", "docs", url, "rfs_snapshot", "--log-level", "trace"], environment: env)
            let local = try await TernBinary.run(["snapshot", "docs", SnapshotCommandTests.repository(name), "rfs_snapshot"])
            #expect(remote.status == 0, "\(remote.stderr)")
            #expect(Set(remote.stdout.split(separator: "\n")) == Set(local.stdout.split(separator: "\n")))
            #expect(!remote.stdout.isEmpty)
            for output in [list.stdout, list.stderr, remote.stdout, remote.stderr] {
                #expect(!output.contains(secret), "the secret access key was printed")
            }
        }
    }

    @Test func aRepositoriesEntryOfTernYmlNamesTheStoreAndItsKeys() async throws {
        try await ObjectStoreServer.with(
            kind: .s3, uploads: [(folder: SnapshotCommandTests.repository("ES_6_8_Single"), prefix: "nightly")], verifySignatures: true
        ) { server in
            let folder = try TernBinary.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let config = folder.appendingPathComponent("tern.yml")
            try """
            repositories:
              backups:
                url: s3://\(server.bucket)/nightly
                endpoint: \(server.endpoint.absoluteString)
                region: eu-west-1
                access_key_id: ${BACKUP_KEY_ID}
                secret_access_key: ${BACKUP_SECRET}
            """.write(to: config, atomically: true, encoding: .utf8)
            let env = [
                "BACKUP_KEY_ID": server.accessKeyID ?? "", "BACKUP_SECRET": server.secretAccessKey ?? "", "HOME": "/nonexistent",
                "AWS_EC2_METADATA_DISABLED": "true",
            ]
            let list = try await TernBinary.run(["snapshot", "list", "backups", "--config", config.path, "--json"], environment: env)
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.stdout.contains("global_state_snapshot"), "\(list.stdout)")
        }
    }

    @Test func metadataFromAnS3SnapshotIsTheSameAsFromTheFolder() async throws {
        let name = "ES_7_10_Single"
        try await ObjectStoreServer.with(
            kind: .s3, uploads: [(folder: SnapshotCommandTests.repository(name), prefix: "repo")], verifySignatures: true
        ) { server in
            try await OsmemServer.with { target in
                let common = ["--snapshot", "global_state_snapshot", "--target", target.url.absoluteString, "--json"]
                let remote = try await TernBinary.run(
                    ["metadata", "evaluate", "--snapshot-repo", "s3://\(server.bucket)/repo"] + common,
                    environment: Self.environment(server))
                let local = try await TernBinary.run(
                    ["metadata", "evaluate", "--snapshot-repo", SnapshotCommandTests.repository(name)] + common)
                #expect(remote.status == 0, "\(remote.stderr)")
                let remoteItems = try JSONValue.parse(Array(remote.stdout.utf8))["items"]
                let localItems = try JSONValue.parse(Array(local.stdout.utf8))["items"]
                #expect(remoteItems != nil && remoteItems == localItems)
            }
        }
    }

    @Test func aURLOfAnotherKindIsOneSentenceWithExitTwo() async throws {
        let result = try await TernBinary.run(["snapshot", "list", "hdfs://cluster/backups"])
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "error: hdfs://cluster/backups is not a repository Tern can read: use a folder, s3://BUCKET/BASE_PATH, gs://BUCKET/BASE_PATH or azure://CONTAINER/BASE_PATH.\n"
        )
    }

    @Test(
        "backfill --snapshot-repo s3:// fills the target exactly and resumes after kill -9 without fetching finished shards again (assembled OpenSearch 2.17 hashed-prefix layout)"
    )
    func backfillFromS3SurvivesKill9() async throws {
        let layout = AssembledRepository.Layout.openSearch217HashedPrefix
        let shard = try AssembledSnapshotCommandTests.shard(layout)
        let names = (1...6).map { "logs-\($0)" }
        let assembled = try AssembledRepository.assemble(layout, indices: names.map { .init(name: $0, shards: [shard.folder]) })
        defer { assembled.remove() }
        let expected = try shard.expectedDocuments()
        try await ObjectStoreServer.with(kind: .s3, uploads: [(folder: assembled.root.path, prefix: "backups/os")], verifySignatures: true)
        {
            server in
            // A slow store (every content GET held back, one request at a time) so that kill -9 lands mid-copy.
            var faults = ObjectStoreFaultProxy.Faults(throttle: 0.05, reset: 0.05, seed: 3)
            faults.stall = 1
            faults.stallSeconds = 0.2
            let proxy = try ObjectStoreFaultProxy(upstream: server.endpoint, faults: faults)
            defer { proxy.stop() }
            let env = Self.environment(server, endpoint: proxy.url)
            try await OsmemServer.with { target in
                let state = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: state) }
                let arguments = [
                    "backfill", "--snapshot-repo", "s3://\(server.bucket)/backups/os", "--snapshot", "nightly", "--target",
                    target.url.absoluteString, "--state-dir", state.path, "--connections", "1", "--concurrency", "1",
                ]
                let process = try TernBinary.start(arguments, environment: env)
                var killed = false
                // Kill once the first index is whole on the target and has stayed so for a second (its shard is then
                // recorded as done; the others, each slowed down, are still being read).
                let deadline = Date().addingTimeInterval(180)
                var wholeSince: Date?
                while process.isRunning && Date() < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                    if (try? await target.documents(in: names[0]).count) == expected.count {
                        if let since = wholeSince, Date().timeIntervalSince(since) >= 1 {
                            kill(process.processIdentifier, SIGKILL)
                            killed = true
                            break
                        }
                        wholeSince = wholeSince ?? Date()
                    }
                }
                ChildProcess.waitForExit(process, timeout: 30)
                #expect(killed, "the backfill ended before it could be killed")
                let final = try await TernBinary.run(arguments + ["--json"], environment: env)
                #expect(final.status == 0, "\(final.stderr)")
                let report = try final.decode(BackfillReport.self)
                #expect(report.complete && report.resumed)
                #expect(report.unitsDoneBefore >= 1 && report.unitsDoneBefore < names.count, "\(report.unitsDoneBefore) shards done before")
                for name in names {
                    let documents = try await target.documents(in: name)
                    #expect(documents.count == expected.count, "\(name)")
                    for document in expected {
                        let source = try JSONSerialization.jsonObject(with: Data(document.source.utf8))
                        #expect(documents[document.id]?.canonicalSource == (try OsmemServer.canonical(source)), "\(name) \(document.id)")
                    }
                }
                let secret = try #require(server.secretAccessKey)
                #expect(!final.stdout.contains(secret) && !final.stderr.contains(secret))
                for file in try FileManager.default.subpathsOfDirectory(atPath: state.path) {
                    let data = (try? Data(contentsOf: state.appendingPathComponent(file))) ?? Data()
                    #expect(data.range(of: Data(secret.utf8)) == nil, "the secret is in the state file \(file)")
                }
            }
        }
    }

    static func expectFixtureDocuments(_ repository: String, snapshot: String, in target: OsmemServer) async throws {
        let expected = try SnapshotFixtures.expected(repository)
        for (index, entry) in try #require(expected[snapshot]) {
            let documents = try await target.documents(in: index)
            #expect(Set(documents.keys) == Set(entry.docs.keys), "\(repository) \(index)")
            for (id, source) in entry.docs {
                #expect(documents[id]?.canonicalSource == (try OsmemServer.canonical(source)), "\(repository) \(index) \(id)")
            }
        }
    }
}
