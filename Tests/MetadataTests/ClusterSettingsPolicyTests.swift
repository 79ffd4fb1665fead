import TernCore
import Testing

@testable import Metadata

@Suite struct ClusterSettingsPolicyTests {
    @Test func settingsThatShapeBehaviourAreCarriedAndOnesNamingTheSourceAreNot() {
        for key in [
            "cluster.routing.allocation.awareness.attributes", "cluster.routing.allocation.awareness.force.zone.values",
            "cluster.routing.allocation.disk.watermark.low", "cluster.max_shards_per_node", "action.auto_create_index",
            "action.destructive_requires_name", "search.max_buckets", "indices.breaker.total.limit", "script.max_compilations_rate",
        ] {
            #expect(ClusterSettingsPolicy.decide(key) == .carry, "\(key)")
        }
        for (key, reason) in [
            ("cluster.remote.old.seeds", "remote-cluster"), ("reindex.remote.whitelist", "allowlist"),
            ("cluster.routing.allocation.exclude._name", "nodes"), ("cluster.routing.allocation.enable", "maintenance"),
            ("cluster.blocks.read_only", "block"), ("xpack.monitoring.collection.enabled", "Elasticsearch-only"),
            ("some.plugin.setting", "not known to be safe"),
        ] {
            guard case .leaveOut(let why) = ClusterSettingsPolicy.decide(key) else {
                Issue.record("\(key) would be carried")
                continue
            }
            #expect(why.contains(reason), "\(key): \(why)")
        }
    }

    @Test func nestedAndFlatSettingsFlattenAlike() {
        let nested = JSONValue.object([
            "cluster": .object(["routing": .object(["allocation": .object(["awareness": .object(["attributes": .string("zone")])])])]),
            "cluster.max_shards_per_node": .string("2000"), "cluster.remote.old.seeds": .array([.string("a:9300")]),
        ])
        #expect(
            ClusterSettingsPolicy.flatten(nested) == [
                "cluster.routing.allocation.awareness.attributes": .string("zone"), "cluster.max_shards_per_node": .string("2000"),
                "cluster.remote.old.seeds": .array([.string("a:9300")]),
            ])
    }
}
