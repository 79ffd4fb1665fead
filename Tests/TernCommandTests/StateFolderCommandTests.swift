import Foundation
import TernCore
import TernTestSupport
import Testing

/// The state folder comes from `--state-dir`, else tern.yml's `migration.state_dir`, else `.tern` — for every command,
/// so a standalone command records where the workflow reads. Checked with the built binary between real osmem clusters.
@Suite struct StateFolderCommandTests {
    /// A workspace folder whose tern.yml names the clusters and a state folder of its own.
    private static func workspace(source: OsmemServer, target: OsmemServer) throws -> URL {
        let folder = try TernBinary.temporaryFolder()
        try """
        source:
          endpoint: \(source.url.absoluteString)
        target:
          endpoint: \(target.url.absoluteString)
        migration:
          state_dir: work/state
        """.write(to: folder.appendingPathComponent("tern.yml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func withStateDirInTernYmlNoCommandWritesDotTern() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.seed(index: "orders", documents: (1...20).map { ("\($0)", #"{"n":\#($0)}"#) })
                let folder = try Self.workspace(source: source, target: target)
                defer { try? FileManager.default.removeItem(at: folder) }
                for arguments in [
                    ["backfill", "--index", "orders"], ["backfill", "status"], ["validate", "--index", "orders"],
                    ["status"], ["metadata", "evaluate", "--index", "orders"],
                ] {
                    let result = try await TernBinary.run(arguments, in: folder)
                    #expect(result.status == 0, "tern \(arguments.joined(separator: " ")): \(result.stderr)")
                    #expect(
                        !FileManager.default.fileExists(atPath: folder.appendingPathComponent(".tern").path),
                        "tern \(arguments.joined(separator: " ")) wrote .tern/")
                }
                let store = folder.appendingPathComponent("work/state/state.sqlite").path
                #expect(FileManager.default.fileExists(atPath: store))
                let status = try JSONValue.parse(Array(try await TernBinary.run(["status", "--json"], in: folder).stdout.utf8))
                #expect(status["backfills"]?.arrayValue?.count == 1, "the backfill is recorded where tern status reads")
                #expect(status["validations"]?.arrayValue?.count == 1, "the validation is recorded where the cutover gate reads")
            }
        }
    }

    @Test func migrateNamesExactlyTheMetadataItemsThatFailed() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                for name in ["alpha", "beta", "gamma"] {
                    try await source.createIndex(name, body: #"{"mappings":{"properties":{"n":{"type":"long"}}}}"#)
                }
                // The target holds beta already, with another mapping: migrate leaves it as is and must say so for
                // beta alone, not for the items it created.
                try await target.createIndex("beta", body: #"{"mappings":{"properties":{"n":{"type":"keyword"}}}}"#)
                let folder = try Self.workspace(source: source, target: target)
                defer { try? FileManager.default.removeItem(at: folder) }
                let result = try await TernBinary.run(["migrate", "--index", "alpha", "--index", "beta", "--index", "gamma"], in: folder)
                #expect(result.status == 1, "\(result.stderr)")
                let said = result.stdout + result.stderr
                #expect(said.contains("1 of 3 metadata items could not be created (index beta: "), "\(said)")
                #expect(!said.contains("index alpha:") && !said.contains("index gamma:"))
            }
        }
    }
}
