import SearchClient
import TernCore

/// Decides which strategies can take a source to a target and which one to use. Pure logic: the same answer for the same
/// versions and facts, tested without clusters.
public enum StrategyAdvisor {
    public static func assess(source: ClusterProfile, target: ClusterProfile) -> Verdict {
        let s = source.version
        let t = target.version
        let downgrade = CompatibilityRules.isDowngrade(from: s, to: t)
        let tooOld = indicesTooOld(source, for: t)
        let sourceDisabled = source.sourceDisabledIndices ?? []
        let sameCluster = isSameCluster(source, target)
        let twoClusters = source.isLive && target.isLive && !sameCluster

        var strategies: [StrategyAssessment] = []
        var path: [ClusterVersion]?

        // In place: the source's own nodes move to the target version.
        for rolling in [true, false] {
            let step = CompatibilityRules.inPlaceStep(from: s, to: t, rolling: rolling)
            var reasons = [step.reason]
            var possible = step.allowed
            if possible && !tooOld.isEmpty {
                possible = false
                reasons.append(
                    "\(describe(tooOld)) created by a version \(t.displayName) cannot read; reindex \(tooOld.count == 1 ? "it" : "them") on the source first."
                )
            }
            if !possible && rolling, let steps = CompatibilityRules.inPlacePath(from: s, to: t), steps.count > 1 {
                path = [s] + steps
                reasons.append(
                    "Stepwise it can: \(path!.map(\.description).joined(separator: " -> ")), one rolling upgrade per step (indices from two majors back must be reindexed on the way)."
                )
            }
            if possible && s.distribution == .elasticsearch && t.distribution == .opensearch {
                reasons.append(
                    "The source is the default (X-Pack) distribution: remove X-Pack settings from elasticsearch.yml and X-Pack indices first; OpenSearch has no X-Pack."
                )
            }
            if possible && twoClusters {
                reasons.append("This would upgrade the source cluster itself; the target cluster you named would stay unused.")
            }
            if possible && target.hosting != .selfManaged {
                reasons.append(
                    "The target is a managed service: in-place means the service's own upgrade of the source domain, not a node-by-node procedure."
                )
            }
            strategies.append(StrategyAssessment(name: rolling ? .rollingUpgrade : .restartUpgrade, possible: possible, reasons: reasons))
        }

        strategies.append(snapshotRestore(source: source, target: target, downgrade: downgrade, tooOld: tooOld))
        strategies.append(remoteReindex(source: source, target: target, downgrade: downgrade, sourceDisabled: sourceDisabled))
        strategies.append(documentCopy(source: source, target: target, downgrade: downgrade, sourceDisabled: sourceDisabled))

        let (recommended, why) = recommend(strategies, twoClusters: twoClusters, source: s, target: t)
        return Verdict(
            strategies: strategies, recommended: recommended, recommendationReason: why, upgradePath: path,
            warnings: (sameCluster
                ? ["Source and target are the same cluster (same endpoint and cluster UUID): check the URLs before copying anything."] : [])
                + warnings(source: source, target: target, downgrade: downgrade, tooOld: tooOld))
    }

    /// One cluster named twice: the same UUID behind the same endpoint. (A UUID alone is not enough: test servers share one.)
    static func isSameCluster(_ source: ClusterProfile, _ target: ClusterProfile) -> Bool {
        source.isLive && target.isLive && source.clusterUUID != nil && source.clusterUUID == target.clusterUUID
            && source.hostAndPort == target.hostAndPort
    }

    private static func snapshotRestore(source: ClusterProfile, target: ClusterProfile, downgrade: Bool, tooOld: [IndexSummary])
        -> StrategyAssessment
    {
        let s = source.version
        let t = target.version
        var reasons: [String] = []
        var possible = true
        if target.hosting == .amazonOpenSearchServerless {
            possible = false
            reasons.append("OpenSearch Serverless collections cannot restore snapshots.")
        } else if downgrade {
            possible = false
            reasons.append("Snapshots never restore into an older version (\(t.displayName) is older than \(s.displayName)).")
        } else if t.distribution == .opensearch && s.distribution != .opensearch && !s.isOnOpenSearchLine {
            possible = false
            reasons.append(
                "OpenSearch cannot restore snapshots written by Elasticsearch \(s.version) (7.11 and later use index and repository versions OpenSearch does not know)."
            )
        } else if !CompatibilityRules.canReadIndices(of: s, on: t) {
            possible = false
            reasons.append(
                "Snapshots restore only into the same or the next major: \(t.displayName) cannot read indices created by \(s.displayName).")
        } else if !tooOld.isEmpty {
            possible = false
            reasons.append(
                "\(describe(tooOld)) created by a version \(t.displayName) cannot read; reindex \(tooOld.count == 1 ? "it" : "them") on the source, or copy documents instead."
            )
        } else {
            reasons.append(
                "\(t.displayName) reads indices created by \(s.displayName): register a shared repository on both clusters, snapshot, restore."
            )
            reasons.append("Writes made after the snapshot are not on the target: stop writes or catch up with Tern's capture and replay.")
        }
        if possible && source.hosting == .amazonOpenSearchService {
            reasons.append("Managed domains snapshot to S3 with a registered repository and an IAM role.")
        }
        return StrategyAssessment(name: .snapshotRestore, possible: possible, reasons: reasons)
    }

    private static func remoteReindex(source: ClusterProfile, target: ClusterProfile, downgrade: Bool, sourceDisabled: [String])
        -> StrategyAssessment
    {
        let t = target.version
        var reasons: [String] = []
        var possible = true
        if target.hosting == .amazonOpenSearchServerless {
            possible = false
            reasons.append("OpenSearch Serverless does not run reindex from a remote cluster.")
        } else {
            let setting = CompatibilityRules.remoteAllowlistSetting(of: t)
            reasons.append(
                "The target's _reindex pulls every document over HTTP; it needs the source's host:port in \(setting) on every target node (a static setting: rolling restart of the target)."
            )
            if let allowlist = target.remoteAllowlist, let hostAndPort = source.hostAndPort {
                if allowlist.contains(where: { matches(pattern: $0, hostAndPort) }) {
                    reasons.append("\(hostAndPort) is already in the target's \(setting).")
                } else {
                    reasons.append(
                        "\(hostAndPort) is not yet in the target's \(setting): the target would answer '[\(hostAndPort)] not \(setting.hasSuffix("allowlist") ? "allowlisted" : "whitelisted") in \(setting)'."
                    )
                }
            }
            reasons.append(
                "It cannot slice, does not copy settings or mappings (run Tern's metadata step first), and does not follow writes made during the copy."
            )
            if downgrade {
                reasons.append("Copying into an older version: mappings and settings the target does not know must be removed first.")
            }
            if !sourceDisabled.isEmpty {
                reasons.append(
                    "\(sourceDisabled.count) index(es) disable _source (\(sourceDisabled.prefix(3).joined(separator: ", "))): their documents cannot be copied this way."
                )
            }
        }
        return StrategyAssessment(name: .remoteReindex, possible: possible, reasons: reasons)
    }

    private static func documentCopy(source: ClusterProfile, target: ClusterProfile, downgrade: Bool, sourceDisabled: [String])
        -> StrategyAssessment
    {
        var reasons = [
            "Tern copies every document (from the live source or from a snapshot repository) with its _id and routing, keeps the target in sync while clients write, and proves the result by comparing every document."
        ]
        if downgrade {
            reasons.append(
                "Copying into an older version: Tern's metadata step must drop what \(target.version.displayName) does not know; review its evaluation."
            )
        }
        if source.version.distribution.isElasticsearchFamily && source.version.version.major >= 8
            && target.version.distribution == .opensearch
            && target.version.version.major < 2
        {
            reasons.append("Elasticsearch 8 mappings may use types OpenSearch 1.x lacks; OpenSearch 2.x or later is the safer target.")
        }
        if !sourceDisabled.isEmpty {
            reasons.append(
                "\(sourceDisabled.count) index(es) disable _source (\(sourceDisabled.prefix(3).joined(separator: ", "))): a live copy cannot read them; restore a snapshot or upgrade in place for those."
            )
        }
        return StrategyAssessment(name: .documentCopy, possible: true, reasons: reasons)
    }

    private static func recommend(_ strategies: [StrategyAssessment], twoClusters: Bool, source: ClusterVersion, target: ClusterVersion)
        -> (Strategy?, String?)
    {
        let possible = Set(strategies.filter(\.possible).map(\.name))
        if twoClusters && possible.contains(.documentCopy) {
            return (
                .documentCopy,
                "You have a separate target cluster: a blue-green move with Tern copies every document, keeps the target in sync while clients write, validates, and can roll back; the source stays untouched."
            )
        }
        if possible.contains(.rollingUpgrade) {
            return (
                .rollingUpgrade, "A rolling upgrade needs no second cluster and no downtime: one node at a time, with a snapshot first."
            )
        }
        if possible.contains(.restartUpgrade) {
            return (.restartUpgrade, "A restart upgrade keeps the data in place; it needs a short full outage (snapshot first).")
        }
        if possible.contains(.documentCopy) {
            return (
                .documentCopy,
                "No in-place path from \(source.displayName) to \(target.displayName): a blue-green move with Tern copies every document, keeps the target in sync, validates, and can roll back."
            )
        }
        return (nil, nil)
    }

    private static func warnings(source: ClusterProfile, target: ClusterProfile, downgrade: Bool, tooOld: [IndexSummary]) -> [String] {
        let s = source.version
        let t = target.version
        var warnings: [String] = []
        if s.distribution.isElasticsearchFamily && t.distribution == .opensearch {
            var text =
                "Client version checks: Elastic's clients from 7.14 on (elasticsearch-py, the Java and JS clients) refuse to talk to OpenSearch; move applications to OpenSearch clients"
            text +=
                t.version.major == 1
                ? ", or set compatibility.override_main_response_version: true on the target so older clients see 7.10.2."
                : " before the cutover."
            warnings.append(text)
        }
        if downgrade {
            warnings.append(
                "The target (\(t.displayName)) is older than the source (\(s.displayName)): only a document copy can go that way, and features the target lacks are lost."
            )
        }
        if s.distribution == .elasticsearch && t.distribution == .opensearch {
            warnings.append(
                "The source runs the default distribution: X-Pack security, ILM, Watcher, monitoring and machine-learning objects do not move to OpenSearch (ILM -> ISM and Watcher -> Alerting need rework)."
            )
        }
        if !tooOld.isEmpty {
            warnings.append(
                "\(describe(tooOld)) created by \(tooOld.compactMap(\.createdVersion).map(\.displayName).min() ?? "an old version"), two or more majors before \(t.displayName): reindex before any in-place upgrade or restore."
            )
        }
        if let disabled = source.sourceDisabledIndices, !disabled.isEmpty {
            warnings.append(
                "_source is disabled in \(disabled.joined(separator: ", ")): no document body to copy; only snapshot restore or an in-place upgrade keeps them."
            )
        }
        for (name, side) in [("source", source), ("target", target)] {
            guard let health = side.health else { continue }
            if health.status == .red {
                warnings.append(
                    "The \(name) cluster is red (\(health.unassignedShards) unassigned shards): some primaries are missing; fix that before migrating."
                )
            } else if health.unassignedShards > 0 && health.numberOfDataNodes > 1 {
                warnings.append("The \(name) cluster has \(health.unassignedShards) unassigned shards (\(health.status)).")
            }
        }
        if target.compatibilityModeEnabled {
            warnings.append(
                "The target answers as Elasticsearch 7.10.2 (compatibility.override_main_response_version is on); Tern detected the real version \(t.version)."
            )
        }
        return warnings
    }

    /// Source indices that the target version cannot open.
    public static func indicesTooOld(_ source: ClusterProfile, for target: ClusterVersion) -> [IndexSummary] {
        (source.indices ?? []).filter { index in
            guard let created = index.createdVersion else { return false }
            return created.indexGeneration < target.oldestReadableIndexGeneration
        }
    }

    private static func describe(_ indices: [IndexSummary]) -> String {
        let names = indices.prefix(5).map(\.name).joined(separator: ", ")
        let more = indices.count > 5 ? " and \(indices.count - 5) more" : ""
        return indices.count == 1 ? "Index \(names) was" : "Indices \(names)\(more) were"
    }

    /// Allowlist entries are `host:port` patterns with `*` wildcards.
    static func matches(pattern: String, _ value: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == value }
        var rest = Substring(value)
        for (offset, part) in parts.enumerated() {
            if offset == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if offset == parts.count - 1 {
                return part.isEmpty || rest.hasSuffix(part)
            } else if let range = rest.range(of: part) {
                rest = rest[range.upperBound...]
            } else {
                return false
            }
        }
        return true
    }
}
