import Compatibility
import SearchClient
import TernCore
import Testing
@testable import Upgrade

/// Plan verdicts across the version matrix, from the same compatibility rules and strategy verdicts as `tern check`.
@Suite struct UpgradePlannerTests {
    func version(_ text: String) -> ClusterVersion {
        try! ClusterVersion(parsing: text, flag: "test")
    }

    func plan(_ from: String, _ to: String, facts: UpgradeFacts? = nil, settings: UpgradeSettings = UpgradeSettings()) -> UpgradePlan {
        UpgradePlanner(settings: settings).plan(from: version(from), to: version(to), facts: facts)
    }

    /// from, to, the expected steps as "from>to:method".
    static let matrix: [(String, String, [String])] = [
        ("elasticsearch-oss:6.8.0", "opensearch:1.0.0", ["elasticsearch-oss:6.8.0>opensearch:1.0.0:rolling-upgrade"]),
        ("elasticsearch-oss:7.10.2", "opensearch:1.3.20", ["elasticsearch-oss:7.10.2>opensearch:1.3.20:rolling-upgrade"]),
        ("elasticsearch:7.10.2", "opensearch:1.3.20", ["elasticsearch:7.10.2>opensearch:1.3.20:rolling-upgrade"]),
        ("opendistro:1.13.2", "opensearch:1.3.20", ["opendistro:7.10.2>opensearch:1.3.20:rolling-upgrade"]),
        (
            "elasticsearch-oss:7.10.2", "opensearch:2.19.1",
            ["elasticsearch-oss:7.10.2>opensearch:1.3.x:rolling-upgrade", "opensearch:1.3.x>opensearch:2.19.1:rolling-upgrade"]
        ),
        (
            "elasticsearch-oss:5.6.16", "opensearch:1.3.20",
            [
                "elasticsearch-oss:5.6.16>elasticsearch-oss:6.8.x:rolling-upgrade",
                "elasticsearch-oss:6.8.x>opensearch:1.3.20:rolling-upgrade",
            ]
        ),
        ("elasticsearch:7.17.9", "opensearch:2.19.1", ["elasticsearch:7.17.9>opensearch:2.19.1:blue-green"]),
        ("elasticsearch:8.15.0", "opensearch:2.19.1", ["elasticsearch:8.15.0>opensearch:2.19.1:blue-green"]),
        ("opensearch:2.11.0", "opensearch:2.19.1", ["opensearch:2.11.0>opensearch:2.19.1:rolling-upgrade"]),
        ("opensearch:1.3.20", "opensearch:2.19.1", ["opensearch:1.3.20>opensearch:2.19.1:rolling-upgrade"]),
        ("opensearch:2.19.1", "opensearch:3.1.0", ["opensearch:2.19.1>opensearch:3.1.0:rolling-upgrade"]),
        (
            "opensearch:1.3.20", "opensearch:3.1.0",
            ["opensearch:1.3.20>opensearch:2.19.x:rolling-upgrade", "opensearch:2.19.x>opensearch:3.1.0:rolling-upgrade"]
        ),
        (
            "opensearch:2.11.0", "opensearch:3.0.0",
            ["opensearch:2.11.0>opensearch:2.19.x:rolling-upgrade", "opensearch:2.19.x>opensearch:3.0.0:rolling-upgrade"]
        ),
        ("opensearch:2.19.1", "opensearch:1.3.20", ["opensearch:2.19.1>opensearch:1.3.20:blue-green"]),
        ("opensearch:2.19.1", "opensearch:2.19.1", []),
    ]

    @Test(arguments: matrix)
    func stepsAcrossTheVersionMatrix(_ row: (String, String, [String])) {
        let (from, to, expected) = row
        let plan = plan(from, to)
        #expect(plan.steps.map { "\($0.from)>\($0.to):\($0.method.rawValue)" } == expected, "\(from) -> \(to)")
        #expect(plan.steps.allSatisfy { !$0.reasons.isEmpty })
        // Agreement with `tern check`'s verdict on the same versions.
        let verdict = StrategyAdvisor.assess(source: ClusterProfile(version: version(from)), target: ClusterProfile(version: version(to)))
        if verdict.assessment(.rollingUpgrade)?.possible == true {
            #expect(plan.steps.count == 1 && plan.steps[0].method == .rollingUpgrade)
        }
        if let path = verdict.upgradePath {
            #expect(plan.steps.map(\.to) == Array(path.dropFirst()))
        }
        if !verdict.strategies.contains(where: { $0.name.isInPlace && $0.possible }) && verdict.upgradePath == nil && !expected.isEmpty {
            #expect(plan.steps.map(\.method) == [.blueGreen] && !plan.canProceed && plan.exitCode == .failure)
        }
    }

    @Test func reasonsComeFromTheCompatibilityRules() {
        #expect(plan("elasticsearch:7.17.9", "opensearch:2.19.1").steps[0].reasons.contains { $0.contains("past 7.10.2") })
        #expect(plan("opensearch:2.19.1", "opensearch:1.3.20").steps[0].reasons.contains { $0.contains("older than") })
        #expect(plan("elasticsearch:7.10.2", "opensearch:1.3.20").steps[0].reasons.contains { $0.contains("X-Pack") })
        #expect(plan("opensearch:1.0.0", "opensearch:2.19.1").notes.contains { $0.contains("A single restart upgrade also reaches") })
        #expect(
            plan("opensearch:2.19.1", "opensearch:2.19.1").notes == [
                "The cluster already runs OpenSearch 2.19.1: there is nothing to upgrade."
            ])
        #expect(plan("opensearch:2.11.0", "opensearch:2.19.1").notes.contains { $0.contains("Offline plan") })
    }

    func facts(
        from: String, indices: [IndexSummary] = [], plugins: [String] = [], clusterSettings: [String: String] = [:],
        nodeSettings: Set<String> = [], health: String = "green", dataNodes: Int = 3, disk: [String: Int] = [:],
        repositories: [String]? = ["backups"],
        versions: [String]? = nil, compatibilityMode: Bool = false
    ) -> UpgradeFacts {
        let health = ClusterHealth(
            json: .object([
                "status": .string(health), "number_of_nodes": .int(Int64(dataNodes)), "number_of_data_nodes": .int(Int64(dataNodes)),
                "unassigned_shards": .int(health == "green" ? 0 : 2),
            ]))
        let nodeVersions = versions ?? [version(from).version.description]
        let nodes = nodeVersions.enumerated().map { index, version in
            NodeSummary.all(
                in: .object([
                    "nodes": .object([
                        "n\(index)": .object([
                            "name": .string("node-\(index)"), "version": .string(version),
                            "plugins": .array(plugins.map { .object(["name": .string($0)]) }),
                        ])
                    ])
                ]))[0]
        }
        return UpgradeFacts(
            profile: ClusterProfile(version: version(from), indices: indices, health: health, compatibilityModeEnabled: compatibilityMode),
            nodes: nodes, clusterSettings: clusterSettings, nodeSettingKeys: nodeSettings, diskPercent: disk,
            snapshotRepositories: repositories)
    }

    func codes(_ plan: UpgradePlan, _ severity: UpgradeBlocker.Severity) -> [String] {
        plan.blockers.filter { $0.severity == severity }.map(\.code)
    }

    @Test func aHealthyClusterHasNoBlockers() {
        let plan = plan(
            "opensearch:2.11.0", "opensearch:2.19.1",
            facts: facts(from: "opensearch:2.11.0", plugins: ["opensearch-security", "analysis-icu"]))
        #expect(plan.blockers.isEmpty, "\(plan.blockers)")
        #expect(plan.canProceed && plan.exitCode == .success && plan.mode == .live)
    }

    @Test func indicesTooOldForAStepAreBlockersWithWhereToReindex() {
        let old = IndexSummary(name: "logs-2019", documents: 10, createdVersion: ClusterVersion(.elasticsearch, SemanticVersion(6, 8, 0)))
        let recent = IndexSummary(name: "logs-2024", documents: 10, createdVersion: ClusterVersion(.opensearch, SemanticVersion(1, 3, 0)))
        let plan = plan("opensearch:1.3.20", "opensearch:2.19.1", facts: facts(from: "opensearch:1.3.20", indices: [old, recent]))
        let blocker = try! #require(plan.blockers.first { $0.code == "index-too-old" })
        #expect(
            blocker.severity == .blocking
                && blocker.message == "Index logs-2019 was created by Elasticsearch 6.8.0; OpenSearch 2.19.1 cannot read it.")
        #expect(blocker.action.contains("Reindex it into a new index on OpenSearch 1.3.20 (before the step to OpenSearch 2.19.1)"))
        #expect(plan.blockers.filter { $0.code == "index-too-old" }.count == 1)
        #expect(!plan.canProceed && plan.exitCode == .failure)
    }

    @Test func pluginsSettingsHealthDiskSnapshotsAndClientsFromElasticsearch() {
        let facts = facts(
            from: "elasticsearch:7.10.2", plugins: ["analysis-icu", "opendistro_security", "x-pack-ml", "readonlyrest"],
            clusterSettings: ["xpack.monitoring.collection.enabled": "true", "cluster.routing.allocation.enable": "primaries"],
            nodeSettings: ["discovery.zen.minimum_master_nodes"], health: "yellow", disk: ["node-0": 92, "node-1": 40], repositories: [],
            versions: ["7.10.2", "7.9.3"])
        let plan = plan("elasticsearch:7.10.2", "opensearch:1.3.20", facts: facts)
        #expect(
            codes(plan, .blocking) == [
                "plugin-without-target-build", "plugin-without-target-build", "removed-setting", "cluster-not-green", "low-disk",
            ])
        #expect(plan.blockers.contains { $0.message.contains("Plugin x-pack-ml is part of Elastic's X-Pack") })
        #expect(plan.blockers.contains { $0.message.contains("Plugin readonlyrest has no build Tern knows of for OpenSearch 1.3.20") })
        #expect(plan.blockers.contains { $0.severity == .warning && $0.message.contains("OpenSearch ships opensearch-security instead") })
        #expect(plan.blockers.contains { $0.message.contains("In use: cluster settings (xpack.monitoring.collection.enabled)") })
        #expect(
            plan.blockers.contains {
                $0.code == "deprecated-setting" && $0.message.contains("node settings (discovery.zen.minimum_master_nodes)")
            } == false)
        #expect(
            plan.blockers.contains {
                $0.message == "Node node-0 has used 92% of its disk (limit 85%): shards cannot move onto it while nodes restart."
            })
        #expect(plan.blockers.contains { $0.code == "no-snapshot-repository" && $0.severity == .warning })
        let client = try! #require(plan.blockers.first { $0.code == "client-version-check" })
        #expect(client.action.contains("compatibility.override_main_response_version"))
        #expect(codes(plan, .warning).contains("mixed-versions") && codes(plan, .warning).contains("allocation-restricted"))
    }

    @Test func theOpenSearch2StepFlagsTheCompatibilitySettingAndDeprecatedNames() {
        let facts = facts(
            from: "opensearch:1.3.20", clusterSettings: ["compatibility.override_main_response_version": "true"],
            nodeSettings: ["cluster.initial_master_nodes", "node.master"], health: "yellow", dataNodes: 1, repositories: ["nightly"])
        let plan = UpgradePlanner(settings: UpgradeSettings(snapshotRepository: "backups")).plan(
            from: version("opensearch:1.3.20"), to: version("opensearch:2.19.1"), facts: facts)
        #expect(codes(plan, .blocking) == ["removed-setting", "no-snapshot-repository"])
        #expect(plan.blockers.first?.message.contains("OpenSearch 2.0 removed compatibility.override_main_response_version") == true)
        #expect(codes(plan, .warning) == ["deprecated-setting", "deprecated-setting", "cluster-not-green"])
        #expect(plan.blockers.contains { $0.message.contains("one data node") })
        #expect(plan.blockers.contains { $0.message.contains("The snapshot repository backups named in tern.yml") })
        #expect(!plan.blockers.contains { $0.code == "client-version-check" })
    }

    @Test func redClustersAndSettingsOnlyInTheNodesConfigurationAreBlockers() {
        let plan = plan(
            "opensearch:1.3.20", "opensearch:2.19.1", facts: facts(from: "opensearch:1.3.20", health: "red", compatibilityMode: true))
        #expect(codes(plan, .blocking) == ["removed-setting", "cluster-not-green"])
        #expect(plan.blockers.contains { $0.message.contains("The cluster is red: 2 shard(s) unassigned") })
    }
}
