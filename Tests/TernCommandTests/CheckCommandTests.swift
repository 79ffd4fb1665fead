import Compatibility
import Foundation
import TernTestSupport
import Testing

/// `tern check` end to end: the built binary against real osmem clusters.
@Suite(.serialized) struct CheckCommandTests {
    @Test func checksTwoLiveClusters() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("orders")
                try await source.seed(index: "orders", documents: (1...40).map { (String($0), #"{"n":\#($0)}"#) })
                let result = try await TernBinary.run([
                    "check", "--source", source.url.absoluteString, "--target", target.url.absoluteString,
                ])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stdout.contains("Source  \(source.url.absoluteString)"))
                #expect(result.stdout.contains("OpenSearch 3.8.0 · cluster osmem"))
                #expect(result.stdout.contains("1 index · 40 documents"))
                #expect(result.stdout.contains("Recommended: document-copy"))
            }
        }
    }

    @Test func jsonContract() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                let result = try await TernBinary.run([
                    "check", "--json", "--source", source.url.absoluteString, "--target", target.url.absoluteString,
                ])
                #expect(result.status == 0, "\(result.stderr)")
                let report = try result.decode(CheckReport.self)
                #expect(report.source.distribution == .opensearch)
                #expect(report.source.version?.description == "3.8.0")
                #expect(report.source.health != nil)
                #expect(
                    report.strategies.map(\.name.rawValue) == [
                        "rolling-upgrade", "restart-upgrade", "snapshot-restore", "remote-reindex", "document-copy",
                    ])
                #expect(report.recommended == .documentCopy)
            }
        }
    }

    @Test func offlineVerdictAsJSON() async throws {
        let result = try await TernBinary.run([
            "check", "--json", "--source-version", "elasticsearch:7.17.9", "--target-version", "opensearch:2.19.1",
        ])
        #expect(result.status == 0)
        let report = try result.decode(CheckReport.self)
        #expect(report.source.distribution == .elasticsearch)
        #expect(report.target.version?.description == "2.19.1")
        #expect(report.recommended == .documentCopy)
        #expect(report.strategies.first { $0.name == .rollingUpgrade }?.possible == false)
    }

    @Test func unreachableSourceExitsWith3AndOneSentence() async throws {
        let port = try FaultyServer.closedPort()
        let result = try await TernBinary.run(["check", "--source", "http://127.0.0.1:\(port)", "--target-version", "opensearch:2.19.1"])
        #expect(result.status == 3)
        #expect(result.stdout.contains("unreachable: Connection refused by 127.0.0.1:\(port) (source cluster)"))
        #expect(!result.stderr.contains("Fatal error") && !result.stdout.contains("Fatal error"))
    }

    @Test func refusedCredentialsExitWith3() async throws {
        let server = try FaultyServer(.unauthorized)
        defer { server.stop() }
        let result = try await TernBinary.run(["check", "--json", "--source", server.httpURL, "--target-version", "opensearch:2.19.1"])
        #expect(result.status == 3)
        let report = try result.decode(CheckReport.self)
        #expect(report.source.error?.contains("HTTP 401") == true)
        #expect(report.recommended == nil)
    }

    @Test func configurationMistakesExitWith2() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "source:\n  endpoint: http://localhost:9200\n  auth:\n    type: basik\n".write(
            to: folder.appendingPathComponent("tern.yml"), atomically: true, encoding: .utf8)
        let result = try await TernBinary.run(["check"], in: folder)
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "error: tern.yml line 4, source.auth.type: 'basik' is not an auth type; use one of none, basic, api_key, bearer, aws_sigv4.\n"
        )

        let missing = try await TernBinary.run(["check"], in: folder.appendingPathComponent("..").standardized)
        #expect(missing.status == 2 || missing.status == 3)

        let badVersion = try await TernBinary.run(["check", "--source-version", "7.10.2", "--target-version", "opensearch:2.19.1"])
        #expect(badVersion.status == 2)
        #expect(badVersion.stderr.hasPrefix("error: --source-version '7.10.2' has no distribution"))

        let unknownFlag = try await TernBinary.run(["check", "--sauce", "x"])
        #expect(unknownFlag.status == 2)
        #expect(unknownFlag.stderr.contains("Unknown option '--sauce'"))
    }

    @Test func missingSourceExitsWith2() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await TernBinary.run(["check", "--target-version", "opensearch:2.19.1"], in: folder)
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "error: No source cluster: pass --source URL or add a source: section to tern.yml (tern init writes a sample).\n")
    }
}
