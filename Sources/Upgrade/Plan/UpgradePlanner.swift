import Compatibility
import SearchClient
import TernCore

/// Builds an ``UpgradePlan``. Pure logic: the path comes from `tern check`'s compatibility rules and strategy verdicts
/// (`StrategyAdvisor`, `CompatibilityRules`), the blockers from facts already read.
public struct UpgradePlanner: Sendable {
    public var settings: UpgradeSettings

    public init(settings: UpgradeSettings = UpgradeSettings()) {
        self.settings = settings
    }

    /// The path from `from` to `to`, with the blockers found in `facts` when the cluster is live.
    public func plan(from: ClusterVersion, to: ClusterVersion, facts: UpgradeFacts? = nil, endpoint: String? = nil) -> UpgradePlan {
        var notes: [String] = []
        let steps = Self.steps(from: from, to: to, notes: &notes)
        var blockers: [UpgradeBlocker] = []
        if let facts {
            blockers = self.blockers(facts, steps: steps, from: from, to: to)
            notes += facts.notes
        } else if !steps.isEmpty {
            notes.append("Offline plan: give a cluster (--cluster or tern.yml) to look for blockers on it.")
        }
        return UpgradePlan(
            from: from, to: to, mode: facts == nil ? .offline : .live, steps: steps, blockers: blockers, notes: notes,
            endpoint: endpoint)
    }

    /// The steps, from the same verdict `tern check --source-version --target-version` gives.
    public static func steps(from: ClusterVersion, to: ClusterVersion, notes: inout [String]) -> [UpgradeStep] {
        if from.distribution == to.distribution && from.version == to.version {
            notes.append("The cluster already runs \(to.displayName): there is nothing to upgrade.")
            return []
        }
        let verdict = StrategyAdvisor.assess(source: ClusterProfile(version: from), target: ClusterProfile(version: to))
        let rolling = verdict.assessment(.rollingUpgrade)
        let restart = verdict.assessment(.restartUpgrade)
        if let rolling, rolling.possible {
            if restart?.possible == true {
                notes.append("A restart upgrade works too (all nodes down at once, fewer moving parts): tern upgrade restart.")
            }
            return [UpgradeStep(from: from, to: to, method: .rollingUpgrade, reasons: rolling.reasons)]
        }
        if let path = verdict.upgradePath, path.count > 2 {
            var steps: [UpgradeStep] = []
            for (hopFrom, hopTo) in zip(path, path.dropFirst()) {
                let step = CompatibilityRules.inPlaceStep(from: hopFrom, to: hopTo, rolling: true)
                if step.allowed {
                    steps.append(UpgradeStep(from: hopFrom, to: hopTo, method: .rollingUpgrade, reasons: [step.reason]))
                } else {
                    let restartStep = CompatibilityRules.inPlaceStep(from: hopFrom, to: hopTo, rolling: false)
                    steps.append(UpgradeStep(from: hopFrom, to: hopTo, method: .restartUpgrade, reasons: [restartStep.reason]))
                }
            }
            if restart?.possible == true {
                notes.append(
                    "A single restart upgrade also reaches \(to.displayName) directly, with a full outage instead of the extra step.")
            } else {
                notes.append(
                    "No single in-place step reaches \(to.displayName): \(rolling?.reasons.first ?? "") A blue-green migration (tern check) avoids the intermediate versions."
                )
            }
            return steps
        }
        if let restart, restart.possible {
            return [UpgradeStep(from: from, to: to, method: .restartUpgrade, reasons: (rolling?.reasons ?? []) + restart.reasons)]
        }
        var reasons = Array(Set((rolling?.reasons ?? []) + (restart?.reasons ?? []))).sorted()
        if let reason = verdict.recommendationReason, verdict.recommended != nil { reasons.append(reason) }
        return [UpgradeStep(from: from, to: to, method: .blueGreen, reasons: reasons)]
    }

    func blockers(_ facts: UpgradeFacts, steps: [UpgradeStep], from: ClusterVersion, to: ClusterVersion) -> [UpgradeBlocker] {
        var blockers: [UpgradeBlocker] = []
        let inPlace = steps.filter { $0.method != .blueGreen }
        // Indices too old for a step's target: the first step that cannot read them decides where to reindex.
        var reported = Set<String>()
        for step in inPlace {
            for index in StrategyAdvisor.indicesTooOld(facts.profile, for: step.to) where !reported.contains(index.name) {
                reported.insert(index.name)
                let created = index.createdVersion?.displayName ?? "an old version"
                blockers.append(
                    UpgradeBlocker(
                        code: "index-too-old", severity: .blocking,
                        message: "Index \(index.name) was created by \(created); \(step.to.displayName) cannot read it.",
                        action:
                            "Reindex it into a new index on \(step.from.displayName) (before the step to \(step.to.displayName)), or delete it, then upgrade."
                    ))
            }
        }
        // Plugins.
        let plugins = Set((facts.nodes ?? []).flatMap(\.plugins)).sorted()
        for plugin in plugins {
            if let blocker = PluginCatalog.blocker(for: plugin, source: from, target: to) { blockers.append(blocker) }
        }
        // Settings.
        let clusterKeys = Set((facts.clusterSettings ?? [:]).keys)
        let nodeKeys = facts.nodeSettingKeys ?? []
        for rule in SettingRule.catalog where rule.applies(from, to) {
            let inCluster = clusterKeys.filter(rule.matches).sorted()
            let inNodes = nodeKeys.filter(rule.matches).sorted()
            guard !inCluster.isEmpty || !inNodes.isEmpty else { continue }
            var places: [String] = []
            if !inCluster.isEmpty { places.append("cluster settings (\(inCluster.joined(separator: ", ")))") }
            if !inNodes.isEmpty { places.append("node settings (\(inNodes.joined(separator: ", ")))") }
            blockers.append(
                UpgradeBlocker(
                    code: rule.severity == .blocking ? "removed-setting" : "deprecated-setting", severity: rule.severity,
                    message: "\(rule.problem) In use: \(places.joined(separator: " and ")).", action: rule.action))
        }
        if facts.profile.compatibilityModeEnabled && !clusterKeys.contains("compatibility.override_main_response_version")
            && to.version.major >= 2
        {
            blockers.append(
                UpgradeBlocker(
                    code: "removed-setting", severity: .blocking,
                    message:
                        "The cluster answers as Elasticsearch 7.10.2 (compatibility.override_main_response_version is on in its configuration files); OpenSearch 2.0 removed the setting.",
                    action: "Move clients to OpenSearch clients and remove the setting from opensearch.yml before the step to 2.x."))
        }
        // Health.
        if let health = facts.profile.health {
            let dataNodes = health.numberOfDataNodes
            if health.status == .red {
                blockers.append(
                    UpgradeBlocker(
                        code: "cluster-not-green", severity: .blocking,
                        message: "The cluster is red: \(health.unassignedShards) shard(s) unassigned, some primaries missing.",
                        action: "Find the cause with GET _cluster/allocation/explain and bring the cluster to green before upgrading."))
            } else if health.status == .yellow {
                blockers.append(
                    UpgradeBlocker(
                        code: "cluster-not-green", severity: dataNodes > 1 ? .blocking : .warning,
                        message: dataNodes > 1
                            ? "The cluster is yellow: \(health.unassignedShards) replica shard(s) unassigned."
                            : "The cluster is yellow: it has one data node, so replicas cannot be assigned.",
                        action: dataNodes > 1
                            ? "Wait for green (or find the cause with GET _cluster/allocation/explain); a node restart on a yellow cluster can lose the only copy of a shard."
                            : "Expected for a single node; Tern accepts yellow there, and the node's restart makes the cluster unavailable meanwhile."
                    ))
            }
        }
        // Disk.
        for (node, percent) in (facts.diskPercent ?? [:]).sorted(by: { $0.key < $1.key }) where percent > settings.maxDiskPercent {
            blockers.append(
                UpgradeBlocker(
                    code: "low-disk", severity: .blocking,
                    message:
                        "Node \(node) has used \(percent)% of its disk (limit \(settings.maxDiskPercent)%): shards cannot move onto it while nodes restart.",
                    action: "Free disk space or add capacity until every node is below \(settings.maxDiskPercent)%."))
        }
        // Snapshot repository.
        if let repositories = facts.snapshotRepositories {
            if let wanted = settings.snapshotRepository, !repositories.contains(wanted) {
                blockers.append(
                    UpgradeBlocker(
                        code: "no-snapshot-repository", severity: .blocking,
                        message:
                            "The snapshot repository \(wanted) named in tern.yml (upgrade.snapshot_repository) is not registered on the cluster.",
                        action: "Register it (PUT _snapshot/\(wanted)) or change upgrade.snapshot_repository."))
            } else if repositories.isEmpty {
                blockers.append(noRepository)
            }
        } else {
            blockers.append(noRepository)
        }
        // Clients.
        if from.distribution.isElasticsearchFamily && to.distribution == .opensearch {
            let override =
                inPlace.contains { $0.to.distribution == .opensearch && $0.to.version.major == 1 }
                ? " On OpenSearch 1.x, PUT _cluster/settings {\"persistent\": {\"compatibility.override_main_response_version\": true}} makes the cluster answer as 7.10.2 for older clients (OpenSearch 2.0 removed the setting)."
                : ""
            blockers.append(
                UpgradeBlocker(
                    code: "client-version-check", severity: .warning,
                    message:
                        "Elastic's clients from 7.14 on (elasticsearch-py, the Java and JavaScript clients) refuse to talk to OpenSearch.",
                    action: "Move applications to OpenSearch clients before or during the upgrade.\(override)"))
        }
        // A previous upgrade left behind.
        let versions = Set((facts.nodes ?? []).map(\.version))
        if versions.count > 1 {
            blockers.append(
                UpgradeBlocker(
                    code: "mixed-versions", severity: .warning,
                    message: "The nodes run different versions (\(versions.sorted().joined(separator: ", "))): an upgrade is under way.",
                    action: "Finish it (tern upgrade rolling resumes from .tern/upgrade.json) before planning another."))
        }
        if let allocation = facts.clusterSettings?["cluster.routing.allocation.enable"], allocation != "all" {
            blockers.append(
                UpgradeBlocker(
                    code: "allocation-restricted", severity: .warning,
                    message:
                        "Shard allocation is restricted (cluster.routing.allocation.enable: \(allocation)), perhaps left by an interrupted upgrade.",
                    action:
                        "Resume that upgrade, or re-enable allocation with PUT _cluster/settings {\"persistent\": {\"cluster.routing.allocation.enable\": null}}."
                ))
        }
        return blockers
    }

    private var noRepository: UpgradeBlocker {
        UpgradeBlocker(
            code: "no-snapshot-repository", severity: .warning,
            message: "No snapshot repository is registered: there would be no way back (nodes cannot be downgraded).",
            action:
                "Register a repository (PUT _snapshot/NAME with path.repo or a repository plugin) so Tern takes a snapshot before the upgrade."
        )
    }
}
