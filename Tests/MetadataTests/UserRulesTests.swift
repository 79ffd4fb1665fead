import TernCore
import Testing

@testable import Metadata

@Suite struct UserRulesTests {
    typealias F = MetadataFixtures

    let file = """
        rules:
          - match: {kind: index, name: "orders*"}   # kind optional; name glob
            set: {"/settings/index/number_of_replicas": 2, "/mappings/properties/name/type": "text", "/settings/index/codec": 'best_compression'}
            remove: ["/settings/index/refresh_interval"]
            rename: {"/mappings/properties/total": "/mappings/properties/amount"}
          - description: quoted numbers stay strings
            match:
              name: [logs-app, "twitter"]
            set:
              /settings/index/number_of_shards: "4"
              /mappings/_meta/owner: {team: search, since: 2019}
        """

    @Test func parsesRulesWithLinesKindsGlobsAndValues() throws {
        let rules = try UserRules.parse(file, file: "rules.yml")
        #expect(rules.rules.count == 2)
        #expect(rules.rules[0].line == 2)
        #expect(rules.rules[0].kind == .index)
        #expect(rules.rules[0].names == ["orders*"])
        #expect(
            rules.rules[0].actions == [
                .set(F.pointer("/settings/index/number_of_replicas"), .int(2)),
                .set(F.pointer("/mappings/properties/name/type"), .string("text")),
                .set(F.pointer("/settings/index/codec"), .string("best_compression")),
                .remove(F.pointer("/settings/index/refresh_interval")),
                .rename(from: F.pointer("/mappings/properties/total"), to: F.pointer("/mappings/properties/amount")),
            ])
        #expect(rules.rules[1].kind == nil)
        #expect(rules.rules[1].names == ["logs-app", "twitter"])
        #expect(
            rules.rules[1].actions == [
                .set(F.pointer("/settings/index/number_of_shards"), .string("4")),
                .set(F.pointer("/mappings/_meta/owner"), F.json(#"{"team": "search", "since": 2019}"#)),
            ])
        #expect(try UserRules.parse("", file: "r.yml").rules.isEmpty)
        #expect(try UserRules.parse("rules:\n", file: "r.yml").rules.isEmpty)
    }

    @Test func appliedAfterBuiltInRulesAndRecorded() throws {
        let rules = try UserRules.parse(file, file: "rules.yml")
        let transformer = MetadataTransformer(source: F.es6, target: F.os2, userRules: rules)
        let item = transformer.transform(MetadataItem(kind: .index, name: "orders", body: F.es6Orders)).items[0]
        let body = item.item.body
        #expect(body["settings"]?["index"]?["number_of_replicas"] == .int(2))
        #expect(body["settings"]?["index"]?["refresh_interval"] == nil)
        #expect(body["settings"]?["index"]?["codec"] == .string("best_compression"))
        #expect(body["mappings"]?["properties"]?["amount"] == F.json(#"{"type": "scaled_float", "scaling_factor": 100}"#))
        #expect(body["mappings"]?["properties"]?["total"] == nil)
        let mine = item.transformations.filter { $0.rule == "user-rule #1" }
        #expect(
            mine.map(\.summary) == [
                "set `/settings/index/number_of_replicas` from 1 to 2 (rules.yml line 2)",
                "set `/mappings/properties/name/type` from text to text (rules.yml line 2)",
                "set `/settings/index/codec` to best_compression (rules.yml line 2)",
                "removed `/settings/index/refresh_interval` (was 30s) (rules.yml line 2)",
                "moved `/mappings/properties/total` to `/mappings/properties/amount` (rules.yml line 2)",
            ])
        // Built-in transformations come first.
        #expect(item.transformations.first?.rule == "mapping.strip-type")
        #expect(item.transformations.suffix(5).allSatisfy { $0.rule == "user-rule #1" })
        // The second rule does not match `orders`.
        #expect(!item.transformations.contains { $0.rule == "user-rule #2" })
    }

    @Test func templatePointersReachIntoTheTemplateSection() throws {
        let rules = try UserRules.parse(file, file: "rules.yml")
        let transformer = MetadataTransformer(source: F.es7, target: F.os2, userRules: rules)
        let item = transformer.transform(MetadataItem(kind: .indexTemplate, name: "logs-app", body: F.es7IndexTemplate)).items[0]
        #expect(item.item.body["template"]?["settings"]?["index"]?["number_of_shards"] == .string("4"))
        #expect(item.item.body["template"]?["mappings"]?["_meta"]?["owner"]?["team"] == .string("search"))
        #expect(item.transformations.contains { $0.rule == "user-rule #2" && $0.place == "/template/settings/index/number_of_shards" })
    }

    @Test func matchesSourceAndSplitNames() throws {
        let rules = try UserRules.parse(file, file: "rules.yml")
        let transformer = MetadataTransformer(
            source: F.es5, target: F.os1,
            options: TransformOptions(multiTypePolicy: .split(namePattern: MultiTypePolicy.defaultSplitPattern)),
            userRules: rules)
        let items = transformer.transform(MetadataItem(kind: .index, name: "twitter", body: F.es5Twitter)).items
        #expect(items.count == 2)
        #expect(items.allSatisfy { $0.item.body["settings"]?["index"]?["number_of_shards"] == .string("4") })
    }

    @Test func aRuleCanSettleABlockingFinding() throws {
        let rules = try UserRules.parse(
            """
            rules:
              - match: {name: twitter}
                set: {"/mappings/properties/id": {"type": "keyword"}}
            """, file: "fix.yml")
        let transformer = MetadataTransformer(source: F.es5, target: F.os1, userRules: rules)
        let item = transformer.transform(MetadataItem(kind: .index, name: "twitter", body: F.es5Twitter)).items[0]
        let idConflict = item.findings.first { $0.place == "/mappings/properties/id" }
        #expect(idConflict?.resolvedBy == "user-rule #1")
        #expect(idConflict?.isBlocking == false)
        // The `location.city` conflict is still open.
        #expect(!item.isConvertible)
    }

    @Test func aRuleThatCannotApplyIsAFinding() throws {
        let rules = try UserRules.parse(
            """
            rules:
              - match: {kind: index}
                set: {"/mappings/properties/name/type/deeper": 1}
            """, file: "bad.yml")
        let item = MetadataTransformer(source: F.es6, target: F.os2, userRules: rules)
            .transform(MetadataItem(kind: .index, name: "orders", body: F.es6Orders)).items[0]
        #expect(
            item.findings.last?.what
                == "user-rule #1 cannot set `/mappings/properties/name/type/deeper`: /mappings/properties/name/type is a single value, not an object or a list"
        )
        #expect(!item.isConvertible)
    }

    @Test func mistakesNameTheLineAndTheFix() {
        let cases: [(String, String)] = [
            (
                "rules:\n  - match: {name: a}\n    sett: {}\n",
                "r.yml line 3: rule #1 has an unknown key 'sett'; a rule accepts match, set, remove, rename, description."
            ),
            (
                "rules:\n  - match: {name: a}\n    set: {\"/settings/index.number_of_replicas\": 1}\n",
                "r.yml line 3: rule #1 `set` has '/settings/index.number_of_replicas', but settings are compared and written in the nested form; write /settings/index/number_of_replicas."
            ),
            (
                "rules:\n  - match: {name: a}\n    remove: [\"/settings/refresh_interval\"]\n",
                "r.yml line 3: rule #1 `remove` has '/settings/refresh_interval', but settings are compared and written in the nested form; write /settings/index/refresh_interval."
            ),
            (
                "rules:\n  - match: {name: a}\n    remove: [\"mappings/x\"]\n",
                "r.yml line 3: rule #1 `remove` has 'mappings/x', which is not a JSON pointer (a JSON pointer starts with /); write it like /mappings/properties/title."
            ),
            (
                "rules:\n  - match: {kind: indices}\n    remove: [\"/a\"]\n",
                "r.yml line 2: rule #1 matches an unknown kind 'indices'; use one of legacy-template, component-template, index-template, index, pipeline, ism-policy, data-stream, cluster-setting, alerting-monitor, notification-channel."
            ),
            (
                "rules:\n  - match: {name: a, type: b}\n    remove: [\"/a\"]\n",
                "r.yml line 2: rule #1 `match` has an unknown key 'type'; it accepts kind and name."
            ),
            (
                "rules:\n  - set: {\"/a\": 1}\n",
                "r.yml line 2: rule #1 has no `match`; add one, like `match: {kind: index, name: \"logs-*\"}`."
            ),
            ("rules:\n  - match: {name: a}\n", "r.yml line 2: rule #1 changes nothing; give it `set`, `remove` or `rename`."),
            ("rule:\n  - match: {name: a}\n", "r.yml line 1: unknown key 'rule' at the top level; the file holds one key, `rules`."),
            (
                "rules:\n  - match: {name: a}\n    rename: {\"/a\": \"/a/b\"}\n",
                "r.yml line 3: rule #1 renames `/a` into itself (`/a/b`); give a place outside it."
            ),
            (
                "rules:\n  - match: {name: a}\n    set: {\"\": 1}\n",
                "r.yml line 3: rule #1 `set` points at the whole item; point at a place inside it, like /settings/index/number_of_replicas."
            ),
            (
                "rules:\n  - match: {name: a}\n    set: {\"/a~2\": 1}\n",
                "r.yml line 3: rule #1 `set` has '/a~2', which is not a JSON pointer (~ must be followed by 0 (for ~) or 1 (for /)); write it like /mappings/properties/title."
            ),
        ]
        for (text, message) in cases {
            do {
                _ = try UserRules.parse(text, file: "r.yml")
                Issue.record("accepted: \(text)")
            } catch let error as TernError {
                #expect(error.message == message)
                #expect(error.exitCode == .usage)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func invalidYAMLSaysWhere() {
        do {
            _ = try UserRules.parse("rules:\n  - match: {name: a\n", file: "r.yml")
            Issue.record("accepted")
        } catch let error as TernError {
            #expect(error.message.hasPrefix("r.yml is not valid YAML ("))
            #expect(error.message.contains("line"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
