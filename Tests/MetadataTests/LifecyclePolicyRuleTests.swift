import Foundation
import TernCore
import TernTestSupport
import Testing

@testable import Metadata

/// ILM policies as Elasticsearch's documentation writes them, converted to ISM policies for OpenSearch; every converted
/// body is checked against the OpenSearch API specification's schema for `PUT _plugins/_ism/policies/{policy_id}`.
@Suite struct LifecyclePolicyRuleTests {
    typealias F = MetadataFixtures

    /// `my-lifecycle-policy` of Elasticsearch's "Use Elasticsearch for time series data" page (rollover by primary
    /// shard size, shrink and force merge in warm, searchable snapshots in cold and frozen), with a rollover age,
    /// priorities, replicas and read-only added from the ILM action reference.
    static let timeSeries = F.json(
        """
        {"phases": {
          "hot": {"actions": {"rollover": {"max_primary_shard_size": "50gb", "max_age": "30d"}, "set_priority": {"priority": 100}}},
          "warm": {"min_age": "30d", "actions": {"shrink": {"number_of_shards": 1}, "forcemerge": {"max_num_segments": 1},
                   "allocate": {"number_of_replicas": 1}, "set_priority": {"priority": 50}, "readonly": {}}},
          "cold": {"min_age": "60d", "actions": {"searchable_snapshot": {"snapshot_repository": "found-snapshots"}}},
          "frozen": {"min_age": "90d", "actions": {"searchable_snapshot": {"snapshot_repository": "found-snapshots"}}},
          "delete": {"min_age": "735d", "actions": {"delete": {}}}
        }}
        """)

    /// The example of Elasticsearch's create-or-update lifecycle policy API page (`_meta` and all).
    static let apiExample = F.json(
        #"{"_meta":{"description":"used for nginx log","project":{"name":"myProject","department":"myDepartment"}},"phases":{"warm":{"min_age":"10d","actions":{"forcemerge":{"max_num_segments":1}}},"delete":{"min_age":"30d","actions":{"delete":{}}}}}"#
    )

    func transform(_ policy: JSONValue, name: String = "logs", target: ClusterVersion = F.os2, uses: [LifecycleUse] = [])
        -> TransformedItem
    {
        var transformer = MetadataTransformer(source: F.es8, target: target)
        transformer.context.lifecycleUses = [name: uses]
        let result = transformer.transform(MetadataItem(kind: .ismPolicy, name: name, body: .object(["policy": policy])))
        return result.items[0]
    }

    func expectAcceptedBySpecification(_ item: MetadataItem) throws {
        let body = try JSONEncoder().encode(item.body)
        let found = OpenSearchAPISpecification.shared.violations(
            method: "PUT", target: "/_plugins/_ism/policies/\(item.name)", body: Array(body))
        #expect(found.isEmpty, "\(found)")
    }

    @Test func phasesBecomeStatesAndMinAgesTransitionsCountedFromTheRollover() throws {
        let converted = transform(Self.timeSeries, uses: [LifecycleUse(patterns: ["logs-*"], priority: 200)])
        let policy = try #require(converted.item.body["policy"])
        #expect(policy["default_state"] == .string("hot"))
        let states = try #require(policy["states"]?.arrayValue)
        #expect(states.map { $0["name"]?.stringValue } == ["hot", "warm", "cold", "frozen", "delete"])
        #expect(
            states[0]
                == F.json(
                    #"{"name":"hot","actions":[{"index_priority":{"priority":100}},{"rollover":{"min_primary_shard_size":"50gb","min_index_age":"30d"}}],"transitions":[{"state_name":"warm","conditions":{"min_rollover_age":"30d"}}]}"#
                ))
        #expect(
            states[1]["actions"]
                == F.json(
                    #"[{"index_priority":{"priority":50}},{"read_only":{}},{"replica_count":{"number_of_replicas":1}},{"force_merge":{"max_num_segments":1}}]"#
                ))
        #expect(states[2]["actions"] == .array([]) && states[3]["actions"] == .array([]))
        #expect(states[4] == F.json(#"{"name":"delete","actions":[{"delete":{}}]}"#))
        #expect(states[3]["transitions"] == F.json(#"[{"state_name":"delete","conditions":{"min_rollover_age":"735d"}}]"#))
        #expect(policy["ism_template"] == F.json(#"[{"index_patterns":["logs-*"],"priority":200}]"#))
        // Shrink and searchable snapshots are named, but the policy still deletes on time: it is written.
        #expect(
            converted.findings.map(\.what) == [
                "ILM action `shrink`", "ILM action `searchable_snapshot`", "ILM action `searchable_snapshot`",
            ])
        #expect(converted.findings.allSatisfy { $0.impact == .featureLost })
        try expectAcceptedBySpecification(converted.item)
    }

    @Test func theAPIPageExampleConvertsWhole() throws {
        let converted = transform(Self.apiExample, name: "nginx")
        #expect(
            converted.item.body
                == F.json(
                    #"{"policy":{"description":"Converted by Tern from the Elasticsearch ILM policy nginx","default_state":"pending","states":[{"name":"pending","actions":[],"transitions":[{"state_name":"warm","conditions":{"min_index_age":"10d"}}]},{"name":"warm","actions":[{"force_merge":{"max_num_segments":1}}],"transitions":[{"state_name":"delete","conditions":{"min_index_age":"30d"}}]},{"name":"delete","actions":[{"delete":{}}]}]}}"#
                ))
        #expect(converted.findings.isEmpty)
        try expectAcceptedBySpecification(converted.item)
    }

    @Test func aDeleteOnlyPolicyWaitsItsMinAgeInsteadOfDeletingAtOnce() throws {
        let converted = transform(F.json(#"{"phases":{"delete":{"min_age":"30d","actions":{"delete":{}}}}}"#))
        let policy = try #require(converted.item.body["policy"])
        #expect(policy["default_state"] == .string("pending"))
        #expect(
            policy["states"]
                == F.json(
                    #"[{"name":"pending","actions":[],"transitions":[{"state_name":"delete","conditions":{"min_index_age":"30d"}}]},{"name":"delete","actions":[{"delete":{}}]}]"#
                ))
        try expectAcceptedBySpecification(converted.item)
    }

    @Test func beforeMinRolloverAgeARollingPolicyIsNotWrittenBecauseItWouldDeleteEarly() {
        let converted = transform(Self.timeSeries, target: ClusterVersion(.opensearch, SemanticVersion(1, 2, 4)))
        #expect(converted.findings.contains { $0.isBlocking && $0.what == "ILM policy logs" && $0.why.contains("earlier than the source") })
        #expect(transform(Self.apiExample, target: ClusterVersion(.opensearch, SemanticVersion(1, 2, 4))).findings.isEmpty)
    }

    @Test func anIndexAlreadyRolledOverIsMarkedForISMToSkip() {
        let (settings, log) = F.run(
            settings: SettingsStripRule.self,
            F.json(#"{"index":{"lifecycle":{"name":"logs","rollover_alias":"logs","indexing_complete":"true"}}}"#), F.context(F.es8, F.os2))
        #expect(
            settings
                == F.json(
                    #"{"index":{"plugins":{"index_state_management":{"rollover_alias":"logs","rollover_skip":"true"}}}}"#))
        #expect(log.findings.map(\.what) == ["ILM policy `logs`"])
    }

    @Test func withoutRolloverAgesCountFromCreationAndZeroMinAgeMovesAtOnce() {
        let policy = F.json(
            #"{"phases":{"warm":{"min_age":"0ms","actions":{"readonly":{}}},"delete":{"min_age":"7d","actions":{"delete":{}}}}}"#)
        let states = transform(policy).item.body["policy"]?["states"]?.arrayValue ?? []
        #expect(states.map { $0["name"]?.stringValue } == ["warm", "delete"])
        #expect(states[0]["transitions"] == F.json(#"[{"state_name":"delete","conditions":{"min_index_age":"7d"}}]"#))
        let immediate = F.json(#"{"phases":{"hot":{"actions":{"set_priority":{"priority":1}}},"delete":{"actions":{"delete":{}}}}}"#)
        #expect(
            transform(immediate).item.body["policy"]?["states"]?.arrayValue?.first?["transitions"]
                == F.json(#"[{"state_name":"delete"}]"#))
    }

    @Test func waitForSnapshotBlocksThePolicyBecauseDroppingItCouldDeleteDataUnbackedUp() {
        let policy = F.json(
            #"{"phases":{"hot":{"actions":{"rollover":{"max_age":"1d"}}},"delete":{"min_age":"30d","actions":{"wait_for_snapshot":{"policy":"nightly"},"delete":{}}}}}"#
        )
        let converted = transform(policy)
        let blocking = converted.findings.filter(\.isBlocking)
        #expect(blocking.count == 1)
        #expect(blocking.first?.what == "ILM action `wait_for_snapshot`")
        #expect(blocking.first?.place == "/policy/phases/delete/actions/wait_for_snapshot")
    }

    @Test func rolloverConditionsISMLacksAreNamedAndAloneTheyBlock() {
        let partly = transform(F.json(#"{"phases":{"hot":{"actions":{"rollover":{"max_age":"7d","max_primary_shard_docs":1000000}}}}}"#))
        #expect(
            partly.item.body["policy"]?["states"]?.arrayValue?.first?["actions"]
                == F.json(#"[{"rollover":{"min_index_age":"7d"}}]"#))
        #expect(partly.findings.map(\.what) == ["rollover condition `max_primary_shard_docs`"])
        let never = transform(F.json(#"{"phases":{"hot":{"actions":{"rollover":{"max_primary_shard_docs":1000000}}}}}"#))
        #expect(never.findings.contains { $0.isBlocking && $0.what == "ILM action `rollover`" })
    }

    @Test func allocateBecomesReplicaCountAndAllocation() {
        let converted = transform(
            F.json(#"{"phases":{"warm":{"actions":{"allocate":{"number_of_replicas":0,"require":{"box_type":"warm"}}}}}}"#))
        #expect(
            converted.item.body["policy"]?["states"]?.arrayValue?.first?["actions"]
                == F.json(
                    #"[{"replica_count":{"number_of_replicas":0}},{"allocation":{"require":{"box_type":"warm"},"wait_for":false}}]"#))
    }

    @Test func templatesThatNameAPolicyGiveItsISMTemplateAndTheirRolloverAliasBecomesISMs() throws {
        let composable = MetadataItem(
            kind: .indexTemplate, name: "logs",
            body: F.json(
                #"{"index_patterns":["logs-*"],"priority":150,"template":{"settings":{"index":{"lifecycle":{"name":"logs","rollover_alias":"logs"}}}}}"#
            ))
        let legacy = MetadataItem(
            kind: .legacyTemplate, name: "old-logs",
            body: F.json(#"{"index_patterns":["old-logs-*"],"order":3,"settings":{"index.lifecycle.name":"logs"}}"#))
        let component = MetadataItem(
            kind: .componentTemplate, name: "metrics-settings",
            body: F.json(#"{"template":{"settings":{"index.lifecycle.name":"metrics"}}}"#))
        let made = MetadataItem(
            kind: .indexTemplate, name: "metrics",
            body: F.json(#"{"index_patterns":["metrics-*"],"priority":100,"composed_of":["metrics-settings"]}"#))
        #expect(
            LifecyclePolicyRule.uses(in: [composable, legacy, component, made])
                == [
                    "logs": [LifecycleUse(patterns: ["logs-*"], priority: 150), LifecycleUse(patterns: ["old-logs-*"], priority: 3)],
                    "metrics": [LifecycleUse(patterns: ["metrics-*"], priority: 100)],
                ])
        let template = MetadataTransformer(source: F.es8, target: F.os2).transform(composable).items[0]
        let settings = template.item.body["template"]?["settings"]
        #expect(settings?["index"]?["plugins"]?["index_state_management"]?["rollover_alias"] == .string("logs"))
        #expect(settings?["index"]?["lifecycle"] == nil)
        #expect(template.findings.map(\.what) == ["ILM policy `logs`"])
        #expect(template.findings.first?.impact == .featureLost)
    }

    @Test func anElasticsearchTargetIsNotGivenAnISMPolicy() {
        let converted = transform(Self.timeSeries, target: F.es8)
        #expect(converted.findings.contains { $0.isBlocking && $0.what == "ILM policy logs" })
    }

    @Test func targetFieldsISMAddsAreIgnoredWhenReadBack() {
        let stored = F.json(
            #"{"policy_id":"logs","description":"d","last_updated_time":1,"schema_version":21,"error_notification":null,"default_state":"hot","states":[{"name":"hot","actions":[{"retry":{"count":3,"backoff":"exponential","delay":"1m"},"rollover":{"min_index_age":"1d","copy_alias":false}}],"transitions":[]}],"ism_template":[{"index_patterns":["logs-*"],"priority":0,"last_updated_time":1}]}"#
        )
        #expect(
            ISMPolicyShape.withoutServerFields(stored)
                == F.json(
                    #"{"description":"d","default_state":"hot","states":[{"name":"hot","actions":[{"rollover":{"min_index_age":"1d"}}],"transitions":[]}],"ism_template":[{"index_patterns":["logs-*"],"priority":0}]}"#
                ))
    }
}
