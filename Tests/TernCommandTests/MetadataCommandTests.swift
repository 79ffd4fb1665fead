import Foundation
import Metadata
import TernCore
import TernTestSupport
import Testing

/// `tern metadata evaluate|migrate` end to end: the built binary reading real Elasticsearch snapshots and live osmem
/// clusters, writing into a live osmem target, and the target read back and compared with what the evaluation promised.
@Suite(.serialized) struct MetadataCommandTests {
    // MARK: Snapshot fixtures into a live target

    @Test(arguments: [
        ("ES_5_6_Updates_Deletes", "rfs_snapshot"), ("ES_6_8_Single", "global_state_snapshot"),
        ("ES_7_10_Single", "global_state_snapshot"),
    ])
    func migratesEachSnapshotFixtureAsTheEvaluationPromised(_ repository: String, _ snapshot: String) async throws {
        try await OsmemServer.with { target in
            let arguments = [
                "--snapshot-repo", SnapshotCommandTests.repository(repository), "--snapshot", snapshot, "--target",
                target.url.absoluteString, "--json",
            ]
            let evaluation = try await Self.report(["metadata", "evaluate"] + arguments, status: 0)
            #expect(!evaluation.applied)
            let promised = evaluation.items
            #expect(!promised.isEmpty)
            for entry in promised {
                #expect(entry.status == .create, "\(Self.label(entry)) in \(repository)")
                #expect(entry.action == nil)
            }
            #expect(try await Self.inventory(target).isEmpty, "evaluate changed the target")

            let migration = try await Self.report(["metadata", "migrate"] + arguments, status: 0)
            #expect(migration.ok)
            for entry in migration.items {
                #expect(entry.action == .created, "\(Self.label(entry)): \(entry.reason ?? "")")
            }
            for entry in promised {
                let actual = try await Self.targetBody(target, entry)
                Self.expectHolds(try #require(entry.body), actual, Self.label(entry))
            }

            switch repository {
            case "ES_5_6_Updates_Deletes":
                // Two mapping types (type1: title; type2: content, contents) become one typeless index with all fields.
                let index = try Self.entry(evaluation, .index, "test_updates_deletes")
                #expect(
                    index.transformations.contains {
                        $0.hasPrefix("[mapping.types.union] /mappings: merged types `type1`, `type2`")
                    })
                let mappings = try await Self.targetBody(target, index)["mappings"]
                #expect(Set(mappings?["properties"]?.objectValue?.keys.sorted() ?? []) == ["title", "content", "contents"])
                #expect(mappings?["type1"] == nil && mappings?["type2"] == nil)
            case "ES_6_8_Single":
                // The legacy template arrives typeless with its patterns; its `{index}-alias` stays a template alias,
                // which the target resolves per index the way OpenSearch does.
                let template = try await Self.targetBody(target, try Self.entry(evaluation, .legacyTemplate, "posts_index_template"))
                #expect(template["index_patterns"] == .array([.string("posts_*")]))
                #expect(template["mappings"]?["_doc"] == nil)
                #expect(template["mappings"]?["properties"]?["author"]?["type"] == .string("keyword"))
                #expect(template["aliases"]?["{index}-alias"] != nil)
                let index = try await Self.targetBody(target, try Self.entry(evaluation, .index, "posts_2023_02_25"))
                #expect(index["aliases"]?["posts_2023_02_25-alias"] != nil)
                #expect(index["aliases"]?["{index}-alias"] == nil)
            default:
                let template = try await Self.targetBody(target, try Self.entry(evaluation, .indexTemplate, "posts_index_template"))
                #expect(template["composed_of"] == .array([.string("posts_template")]))
                _ = try Self.entry(evaluation, .componentTemplate, "posts_template")
                #expect(evaluation.notConvertible.contains { $0.contains("ILM") })
            }

            // Again: nothing to do, and that is success.
            let again = try await Self.report(["metadata", "migrate"] + arguments, status: 0)
            for entry in again.items {
                #expect(entry.status == .identical, "\(Self.label(entry)) in \(repository)")
                #expect(entry.action == .skipped)
            }
        }
    }

    @Test func splitPolicyMakesOneIndexPerType() async throws {
        try await OsmemServer.with { target in
            let evaluation = try await Self.report(
                [
                    "metadata", "evaluate", "--snapshot-repo", SnapshotCommandTests.repository("ES_5_6_Updates_Deletes"), "--snapshot",
                    "rfs_snapshot", "--target", target.url.absoluteString, "--multi-type", "split", "--split-pattern", "{index}-{type}",
                    "--json",
                ], status: 0)
            let names = evaluation.items.map(\.name).sorted()
            #expect(names == ["test_updates_deletes-type1", "test_updates_deletes-type2"])
            let type1 = try Self.entry(evaluation, .index, "test_updates_deletes-type1")
            #expect(type1.source == "test_updates_deletes")
            #expect(type1.body?["mappings"]?["properties"]?.objectValue?.keys.sorted() == ["title"])
        }
    }

    // MARK: Live source into a live target

    /// A composable template with its component, a legacy template, an index made from the composable template and one
    /// with its own settings, mappings and aliases (a filtered one among them).
    static func seedSource(_ source: OsmemServer) async throws {
        try await source.send(
            .PUT, "/_component_template/base-mappings",
            body: Array(#"{"template":{"mappings":{"properties":{"@timestamp":{"type":"date"},"message":{"type":"text"}}}}}"#.utf8))
        try await source.send(
            .PUT, "/_index_template/logs-template",
            body: Array(
                #"{"index_patterns":["logs-*"],"priority":10,"composed_of":["base-mappings"],"template":{"settings":{"index":{"number_of_shards":2}},"aliases":{"logs":{}}}}"#
                    .utf8))
        try await source.send(.PUT, "/_template/legacy-metrics", body: Array(Self.legacyMetrics.utf8))
        try await source.createIndex(
            "products",
            body:
                #"{"settings":{"index":{"number_of_shards":3,"number_of_replicas":0,"refresh_interval":"5s"}},"mappings":{"properties":{"name":{"type":"text","fields":{"raw":{"type":"keyword"}}},"price":{"type":"scaled_float","scaling_factor":100},"tags":{"type":"keyword"}}},"aliases":{"shop":{},"cheap":{"filter":{"range":{"price":{"lt":10}}}}}}"#
        )
        try await source.createIndex("logs-2024")
    }

    static let legacyMetrics =
        #"{"index_patterns":["metrics-*"],"order":1,"settings":{"index":{"number_of_shards":1}},"mappings":{"properties":{"value":{"type":"double"}}},"aliases":{"metrics":{}}}"#

    static let liveItems = [
        "component-template base-mappings", "index logs-2024", "index products", "index-template logs-template",
        "legacy-template legacy-metrics",
    ]

    @Test func evaluateChangesNothingAndMigrateCreatesEverythingOnce() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seedSource(source)
                let arguments = ["--source", source.url.absoluteString, "--target", target.url.absoluteString]
                let evaluation = try await Self.report(["metadata", "evaluate", "--json"] + arguments, status: 0)
                #expect(evaluation.items.map(Self.label) == Self.liveItems)
                #expect(evaluation.items.allSatisfy { $0.status == .create })
                let table = try await TernBinary.run(["metadata", "evaluate"] + arguments)
                #expect(table.status == 0, "\(table.stderr)")
                #expect(table.stdout.contains("Evaluation only: nothing on the target was changed."))
                #expect(table.stdout.contains("KIND"))
                #expect(table.stdout.contains("would create"))
                #expect(table.stdout.contains("Every selected item can be migrated as shown (5 to create, 0 already identical)."))
                #expect(try await Self.inventory(target).isEmpty, "evaluate changed the target")

                let migration = try await Self.report(["metadata", "migrate", "--json"] + arguments, status: 0)
                #expect(migration.items.allSatisfy { $0.action == .created })
                #expect(try await Self.inventory(target) == Self.liveItems)
                for entry in evaluation.items {
                    Self.expectHolds(try #require(entry.body), try await Self.targetBody(target, entry), Self.label(entry))
                }
                let products = try await Self.targetBody(target, try Self.entry(evaluation, .index, "products"))
                #expect(products["aliases"]?["cheap"]?["filter"]?["range"]?["price"]?["lt"] == .int(10))
                #expect(products["settings"]?["index"]?["number_of_shards"] == .string("3"))

                let again = try await TernBinary.run(["metadata", "migrate"] + arguments)
                #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
                #expect(again.stdout.contains("The target holds every selected item as promised (0 created, 5 already identical)."))
            }
        }
    }

    @Test func aDifferingTemplateIsLeftAloneWithoutOverwriteAndReplacedWithIt() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seedSource(source)
                let theirs =
                    #"{"index_patterns":["metrics-*"],"order":3,"settings":{"index":{"number_of_shards":4}},"mappings":{"properties":{"value":{"type":"long"}}}}"#
                try await target.send(.PUT, "/_template/legacy-metrics", body: Array(theirs.utf8))
                let arguments = [
                    "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--template", "legacy-metrics", "--index",
                    "none-of-them",
                ]
                let evaluation = try await Self.report(["metadata", "evaluate", "--json"] + arguments, status: 1)
                let entry = try Self.entry(evaluation, .legacyTemplate, "legacy-metrics")
                #expect(entry.status == .different)
                #expect(
                    Set(entry.differences).isSuperset(of: [
                        "/order", "/settings/index/number_of_shards", "/mappings/properties/value/type",
                    ]))
                let preview = try await TernBinary.run(["metadata", "evaluate", "--overwrite"] + arguments)
                #expect(preview.status == 0, "\(preview.stdout)")
                #expect(preview.stdout.contains("would replace"))

                let kept = try await Self.report(["metadata", "migrate", "--json"] + arguments, status: 1)
                let skipped = try Self.entry(kept, .legacyTemplate, "legacy-metrics")
                #expect(skipped.action == .skipped)
                #expect(skipped.reason?.contains("--overwrite") == true)
                let untouched = try await Self.targetBody(target, skipped)
                #expect(untouched["order"] == .int(3))
                #expect(untouched["settings"]?["index"]?["number_of_shards"] == .string("4"))

                let replaced = try await Self.report(["metadata", "migrate", "--overwrite", "--json"] + arguments, status: 0)
                let overwritten = try Self.entry(replaced, .legacyTemplate, "legacy-metrics")
                #expect(overwritten.action == .overwritten)
                Self.expectHolds(try #require(entry.body), try await Self.targetBody(target, overwritten), "legacy-metrics")
            }
        }
    }

    @Test func renamesAndUserRulesShowInTheEvaluationAndLandOnTheTarget() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seedSource(source)
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let rules = folder.appendingPathComponent("rules.yml")
                try """
                rules:
                  - match: {kind: index, name: products}
                    set: {"/settings/index/refresh_interval": "30s"}
                """.write(to: rules, atomically: true, encoding: .utf8)
                let arguments = [
                    "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--index", "products", "--rename",
                    "products:catalog", "--template", "none-of-them", "--rules", rules.path,
                ]
                let evaluation = try await Self.report(["metadata", "evaluate", "--json"] + arguments, status: 0)
                let entry = try Self.entry(evaluation, .index, "catalog")
                #expect(entry.source == "products")
                #expect(
                    entry.transformations.contains(
                        "[user-rule #1] /settings/index/refresh_interval: set `/settings/index/refresh_interval` from 5s to 30s (\(rules.path) line 2)"
                    ))
                #expect(entry.body?["settings"]?["index"]?["refresh_interval"] == .string("30s"))
                let table = try await TernBinary.run(["metadata", "evaluate"] + arguments)
                #expect(table.stdout.contains("products -> catalog"))
                #expect(table.stdout.contains("~ [user-rule #1] /settings/index/refresh_interval"))

                _ = try await Self.report(["metadata", "migrate", "--json"] + arguments, status: 0)
                #expect(try await Self.inventory(target) == ["index catalog"])
                let catalog = try await Self.targetBody(target, entry)
                Self.expectHolds(try #require(entry.body), catalog, "catalog")
                #expect(catalog["settings"]?["index"]?["refresh_interval"] == .string("30s"))
                #expect(catalog["aliases"]?["shop"] != nil)
            }
        }
    }

    /// Both clusters are osmem, so the source cannot hold a value the target refuses; a user rule plants an unknown
    /// setting and an unknown mapping parameter, as an Elasticsearch plugin's settings would arrive from a real source.
    @Test func whatTheTargetRefusesFailsWithItsReasonAndDropUnsupportedDropsIt() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                try await Self.seedSource(source)
                let folder = try TernBinary.temporaryFolder()
                defer { try? FileManager.default.removeItem(at: folder) }
                let rules = folder.appendingPathComponent("rules.yml")
                try """
                rules:
                  - match: {kind: index, name: products}
                    set: {"/settings/index/foo": "bar", "/mappings/properties/tags/bogus": 1}
                """.write(to: rules, atomically: true, encoding: .utf8)
                let arguments = [
                    "--source", source.url.absoluteString, "--target", target.url.absoluteString, "--index", "products", "--template",
                    "none-of-them", "--rules", rules.path,
                ]
                _ = try await Self.report(["metadata", "evaluate", "--json"] + arguments, status: 0)

                let refused = try await Self.report(["metadata", "migrate", "--json"] + arguments, status: 1)
                let failed = try Self.entry(refused, .index, "products")
                #expect(failed.action == .failed)
                #expect(
                    failed.reason
                        == "the target refused it: settings_exception: unknown setting [index.foo] please check that any required plugins are installed, or check the breaking changes documentation for removed settings"
                )
                #expect(try await Self.inventory(target).isEmpty)
                let table = try await TernBinary.run(["metadata", "migrate"] + arguments)
                #expect(table.status == 1)
                #expect(table.stdout.contains("reason: the target refused it: settings_exception: unknown setting [index.foo]"))
                #expect(table.stdout.contains("1 item needs attention: see the reasons above."))

                let dropping = try await Self.report(["metadata", "migrate", "--drop-unsupported", "--json"] + arguments, status: 0)
                let created = try Self.entry(dropping, .index, "products")
                #expect(created.action == .created)
                let dropped = created.dropped
                #expect(dropped.count == 2)
                #expect(dropped.contains { $0.hasPrefix("/settings/index/foo: settings_exception: unknown setting [index.foo]") })
                #expect(
                    dropped.contains {
                        $0.hasPrefix("/mappings/properties/tags/bogus: mapper_parsing_exception:")
                            && $0.contains("unknown parameter [bogus] on mapper [tags] of type [keyword]")
                    })
                let products = try await Self.targetBody(target, created)
                Self.expectHolds(
                    try #require(created.body), products, "products",
                    without: ["/settings/index/foo", "/mappings/properties/tags/bogus"])
            }
        }
    }

    // MARK: Usage errors

    @Test func aRuleFileWithAYAMLErrorIsAUsageErrorNamingFileAndLine() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = folder.appendingPathComponent("rules.yml")
        try """
        rules:
          - match: {kind: index, name: products
            set: {"/settings/index/refresh_interval": "30s"}
        """.write(to: rules, atomically: true, encoding: .utf8)
        // The file is read before any cluster is asked, so these addresses are never contacted.
        let result = try await TernBinary.run([
            "metadata", "evaluate", "--source", "http://127.0.0.1:9", "--target", "http://127.0.0.1:9", "--rules", rules.path,
        ])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: \(rules.path) is not valid YAML ("))
        #expect(result.stderr.contains("at line 3"))
    }

    @Test(arguments: [
        ["--source", "http://127.0.0.1:9", "--snapshot-repo", "/tmp", "--snapshot", "s"],
        ["--snapshot", "s"],
        ["--snapshot-repo", "/tmp"],
        ["--keep-type", "doc"],
        ["--multi-type", "drop"],
        ["--multi-type", "split", "--split-pattern", "{index}"],
        ["--split-pattern", "{index}_{type}"],
        ["--awareness-zones", "0"],
        ["--rename", "nocolon"],
    ])
    func badCombinationsAreUsageErrors(_ flags: [String]) async throws {
        let result = try await TernBinary.run(["metadata", "migrate", "--target", "http://127.0.0.1:9"] + flags)
        #expect(result.status == 2, "\(flags): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test func anUnreachableTargetIsExitCode3() async throws {
        let result = try await TernBinary.run([
            "metadata", "evaluate", "--snapshot-repo", SnapshotCommandTests.repository("ES_7_10_Single"), "--snapshot",
            "global_state_snapshot", "--target", "http://127.0.0.1:9",
        ])
        #expect(result.status == 3)
        #expect(result.stderr.contains("127.0.0.1:9"))
    }

    @Test func helpTeaches() async throws {
        let help = try await TernBinary.run(["metadata", "migrate", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--drop-unsupported"))
        #expect(help.stdout.contains("tern metadata migrate --source URL --target URL"))
        let group = try await TernBinary.run(["metadata", "--help"])
        #expect(group.stdout.contains("rules:"))
        let root = try await TernBinary.run(["--help"])
        #expect(root.stdout.contains("tern metadata evaluate"))
    }

    // MARK: Helpers

    /// Runs the binary, checks its exit code and decodes its `--json` report.
    static func report(_ arguments: [String], status: Int32) async throws -> MetadataReport {
        let result = try await TernBinary.run(arguments)
        #expect(result.status == status, "\(arguments.prefix(2).joined(separator: " ")): \(result.stderr)\(result.stdout.prefix(4000))")
        return try result.decode(MetadataReport.self)
    }

    static func entry(_ report: MetadataReport, _ kind: MetadataKind, _ name: String) throws -> MetadataReport.Entry {
        try #require(report.items.first { $0.kind == kind && $0.name == name }, "\(kind) \(name)")
    }

    static func label(_ entry: MetadataReport.Entry) -> String { "\(entry.kind) \(entry.name)" }

    /// Every index and template on a cluster, as `kind name`.
    static func inventory(_ server: OsmemServer) async throws -> [String] {
        var names: [String] = []
        let indices = try JSONValue.parse(try await server.send(.GET, "/_cat/indices", query: [("format", "json"), ("h", "index")]))
        names += (indices.arrayValue ?? []).compactMap { $0["index"]?.stringValue }.map { "index \($0)" }
        names += (try JSONValue.parse(try await server.send(.GET, "/_template")).objectValue ?? [:]).keys.map { "legacy-template \($0)" }
        for (path, list, kind) in [
            ("/_index_template", "index_templates", "index-template"),
            ("/_component_template", "component_templates", "component-template"),
        ] {
            let answer = try JSONValue.parse(try await server.send(.GET, path))
            names += (answer[list]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }.map { "\(kind) \($0)" }
        }
        return names.sorted()
    }

    /// What the target holds for a report entry, in the shape of the report's `body`.
    static func targetBody(_ server: OsmemServer, _ entry: MetadataReport.Entry) async throws -> JSONValue {
        let name = entry.name
        switch entry.kind {
        case .index: return try #require(try JSONValue.parse(try await server.send(.GET, "/\(name)"))[name])
        case .legacyTemplate: return try #require(try JSONValue.parse(try await server.send(.GET, "/_template/\(name)"))[name])
        case .indexTemplate:
            return try #require(
                try JSONValue.parse(try await server.send(.GET, "/_index_template/\(name)"))["index_templates"]?[0]?["index_template"])
        case .componentTemplate:
            return try #require(
                try JSONValue.parse(try await server.send(.GET, "/_component_template/\(name)"))["component_templates"]?[0]?[
                    "component_template"])
        case .pipeline, .ismPolicy, .dataStream, .clusterSetting, .alertingMonitor, .notificationChannel:
            throw TestSupportError("no reader for \(label(entry))")
        }
    }

    /// Settings OpenSearch itself adds to every index it creates (osmem reports the same ones): the target's identity
    /// and the replication type, a default since OpenSearch 2.x. The comparison ignores them unless the promise sets them.
    static let addedByTheTarget: Set<String> = [
        "/settings/index/creation_date", "/settings/index/uuid", "/settings/index/provided_name", "/settings/index/version/created",
        "/settings/index/replication/type",
    ]

    /// The target holds exactly the promised body (less `without`), leaf by leaf: setting values compared as text as
    /// clusters store them, an empty section the same as a missing one, the target's own settings and a legacy
    /// template's default `order: 0` (OpenSearch always reports one) not counted against it.
    static func expectHolds(_ promised: JSONValue, _ actual: JSONValue, _ item: String, without: Set<String> = []) {
        let wanted = leaves(promised).filter { !without.contains($0.key) }
        var held = leaves(actual)
        for pointer in addedByTheTarget.union(["/order"]) where wanted[pointer] == nil {
            if pointer != "/order" || held[pointer] == "0" { held[pointer] = nil }
        }
        for pointer in Set(wanted.keys).union(held.keys).sorted() where wanted[pointer] != held[pointer] {
            Issue.record(
                "\(item) at \(pointer): promised \(wanted[pointer] ?? "nothing"), the target holds \(held[pointer] ?? "nothing")")
        }
    }

    /// JSON pointer -> value text. Empty objects count only as alias entries (`"aliases": {"current": {}}`).
    static func leaves(_ value: JSONValue) -> [String: String] {
        var out: [String: String] = [:]
        func visit(_ value: JSONValue, _ pointer: String, _ key: String?, _ parentKey: String?) {
            switch value {
            case .object(let object):
                if object.isEmpty {
                    if parentKey == "aliases" { out[pointer] = "{}" }
                    return
                }
                for (child, inner) in object {
                    let token = child.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
                    visit(inner, pointer + "/" + token, child, key)
                }
            case .array(let items):
                if !items.isEmpty { out[pointer] = "[" + items.map(text).joined(separator: ",") + "]" }
            default:
                out[pointer] = text(value)
            }
        }
        visit(value, "", nil, nil)
        return out
    }

    /// Scalars as text: `1`, `"1"` and `1.0` are the same setting value.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .double(let number) where number == number.rounded() && abs(number) < 1e15: String(Int64(number))
        case .array, .object:
            (try? String(decoding: canonicalJSON(value), as: UTF8.self)) ?? "?"
        default: value.stringValue ?? "null"
        }
    }

    /// Canonical JSON text of values nested inside arrays.
    static func canonicalJSON(_ value: JSONValue) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }
}
