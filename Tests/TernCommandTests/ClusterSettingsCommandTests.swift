import Foundation
import TernCore
import TernTestSupport
import Testing

/// `tern metadata --cluster-settings` between two real osmem-servers: the persistent settings that make sense on the
/// target are created, read back and left alone on a re-run; the others are named with their reason.
@Suite struct ClusterSettingsCommandTests {
    @Test func persistentSettingsThatMakeSenseAreCarriedAndTheOthersNamed() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                for (key, value) in [
                    ("cluster.routing.allocation.awareness.attributes", #""zone""#), ("cluster.max_shards_per_node", #""2000""#),
                    ("action.destructive_requires_name", #""true""#), ("search.max_buckets", #""20000""#),
                    ("cluster.routing.allocation.enable", #""primaries""#), ("cluster.remote.old.seeds", #"["127.0.0.1:9300"]"#),
                ] {
                    try await source.putClusterSetting(key, value)
                }
                // The target already has one of them, differently.
                try await target.putClusterSetting("search.max_buckets", #""65535""#)
                let common = ["--source", source.url.absoluteString, "--target", target.url.absoluteString, "--json"]

                let without = try await TernBinary.run(["metadata", "evaluate"] + common)
                #expect(!without.stdout.contains("cluster-setting"), "\(without.stdout.prefix(1000))")

                let evaluation = try await TernBinary.run(["metadata", "evaluate", "--cluster-settings"] + common)
                let report = try JSONValue.parse(Array(evaluation.stdout.utf8))
                let settings = (report["items"]?.arrayValue ?? []).filter { $0["kind"]?.stringValue == "cluster-setting" }
                let statuses = Dictionary(
                    uniqueKeysWithValues: settings.map { ($0["name"]?.stringValue ?? "", $0["status"]?.stringValue ?? "") })
                #expect(
                    statuses == [
                        "cluster.routing.allocation.awareness.attributes": "create", "cluster.max_shards_per_node": "create",
                        "action.destructive_requires_name": "create", "search.max_buckets": "different",
                    ], "\(statuses)")
                let notes = report["not_convertible"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(
                    notes.contains { $0.contains("cluster.routing.allocation.enable") && $0.contains("maintenance switch") }, "\(notes)")
                #expect(notes.contains { $0.contains("cluster.remote.old.seeds") }, "\(notes)")

                let migration = try await TernBinary.run(["metadata", "migrate", "--cluster-settings"] + common)
                #expect(migration.status == 0 || migration.status == 1, "\(migration.stderr)")
                let applied = String(
                    decoding: try await target.send(.GET, "/_cluster/settings", query: [("flat_settings", "true")]), as: UTF8.self)
                let persistent = try JSONValue.parse(Array(applied.utf8))["persistent"]
                #expect(persistent?["cluster.routing.allocation.awareness.attributes"] == .string("zone"))
                #expect(persistent?["cluster.max_shards_per_node"] == .string("2000"))
                #expect(persistent?["action.destructive_requires_name"] == .string("true"))
                // What differs is replaced only with --overwrite; what does not make sense is never set.
                #expect(persistent?["search.max_buckets"] == .string("65535"))
                #expect(persistent?["cluster.routing.allocation.enable"] == nil && persistent?["cluster.remote.old.seeds"] == nil)

                let again = try await TernBinary.run(["metadata", "migrate", "--cluster-settings", "--overwrite"] + common)
                let rerun = try JSONValue.parse(Array(again.stdout.utf8))["items"]?.arrayValue ?? []
                let actions = Dictionary(
                    uniqueKeysWithValues: rerun.filter { $0["kind"]?.stringValue == "cluster-setting" }.map {
                        ($0["name"]?.stringValue ?? "", $0["action"]?.stringValue ?? "")
                    })
                #expect(actions["cluster.max_shards_per_node"] == "skipped" && actions["search.max_buckets"] == "overwritten", "\(actions)")
                let after = try JSONValue.parse(try await target.send(.GET, "/_cluster/settings", query: [("flat_settings", "true")]))
                #expect(after["persistent"]?["search.max_buckets"] == .string("20000"))
            }
        }
    }
}
