import Foundation
import TernCore
import TernTestSupport
import Testing

/// Rollover aliases between two real osmem-servers: the write index on the target is the counterpart of the source's,
/// and a selection that leaves the source's write index out is named.
@Suite struct RolloverAliasCommandTests {
    @Test func theWriteIndexComesAlongAndLeavingItOutIsNamed() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await source.createIndex("logs-000001", body: #"{"aliases":{"logs":{"is_write_index":false}}}"#)
                try await source.createIndex("logs-000002", body: #"{"aliases":{"logs":{"is_write_index":false}}}"#)
                try await source.createIndex("logs-000003", body: #"{"aliases":{"logs":{"is_write_index":true}}}"#)
                let common = ["--source", source.url.absoluteString, "--target", target.url.absoluteString, "--json"]

                let partial = try await TernBinary.run(["metadata", "evaluate", "--index", "logs-*", "--exclude", "logs-000003"] + common)
                let notes = try JSONValue.parse(Array(partial.stdout.utf8))["not_convertible"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(notes.contains { $0.contains("alias logs") && $0.contains("none is its write index") }, "\(notes)")

                let migration = try await TernBinary.run(["metadata", "migrate", "--index", "logs-*"] + common)
                #expect(migration.status == 0, "\(migration.stderr)")
                let aliases = try JSONValue.parse(try await target.send(.GET, "/_alias/logs"))
                #expect(aliases["logs-000003"]?["aliases"]?["logs"]?["is_write_index"] == .bool(true), "\(aliases)")
                #expect(aliases["logs-000001"]?["aliases"]?["logs"]?["is_write_index"] == .bool(false))
                let complete = try JSONValue.parse(Array(migration.stdout.utf8))["not_convertible"]?.arrayValue ?? []
                #expect(!complete.contains { $0.stringValue?.contains("alias logs") == true })
            }
        }
    }
}
