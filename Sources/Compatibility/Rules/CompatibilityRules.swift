import TernCore

/// Version facts from the Elasticsearch and OpenSearch documentation that the verdicts rest on.
public enum CompatibilityRules {
    /// The last minor of each major on the line OpenSearch continues: a rolling upgrade to the next major starts there.
    public static func lastMinor(of version: ClusterVersion) -> ClusterVersion? {
        switch (version.distribution, version.version.major) {
        case (.opensearch, 1): ClusterVersion(.opensearch, SemanticVersion(1, 3, precision: 2))
        case (.opensearch, 2): ClusterVersion(.opensearch, SemanticVersion(2, 19, precision: 2))
        case (.opensearch, _): nil
        case (let family, 5): ClusterVersion(family, SemanticVersion(5, 6, precision: 2))
        case (let family, 6): ClusterVersion(family, SemanticVersion(6, 8, precision: 2))
        case (let family, 7) where version.isOnOpenSearchLine: ClusterVersion(family, SemanticVersion(7, 10, 2))
        case (let family, 7): ClusterVersion(family, SemanticVersion(7, 17, precision: 2))
        default: nil
        }
    }

    /// The oldest version whose nodes can run beside nodes of `target` during a rolling upgrade (wire compatibility).
    public static func oldestRollingSource(for target: ClusterVersion) -> SemanticVersion? {
        switch (target.distribution, target.version.major) {
        case (.opensearch, 1): SemanticVersion(6, 8, 0)
        case (.opensearch, 2): SemanticVersion(1, 3, 0)
        case (.opensearch, 3): SemanticVersion(2, 19, 0)
        case (.opensearch, let major): SemanticVersion(major - 1, 0, 0)
        case (_, 6): SemanticVersion(5, 6, 0)
        case (_, 7): SemanticVersion(6, 8, 0)
        case (_, 8): SemanticVersion(7, 17, 0)
        case (_, let major): SemanticVersion(major - 1, 0, 0)
        }
    }

    /// The node setting that lists hosts a target may reindex from.
    static func remoteAllowlistSetting(of target: ClusterVersion) -> String {
        target.distribution == .opensearch && target.version.major >= 2 ? "reindex.remote.allowlist" : "reindex.remote.whitelist"
    }

    /// Whether `target` is older than `source` (a downgrade), comparing index generations first, then versions of one family.
    public static func isDowngrade(from source: ClusterVersion, to target: ClusterVersion) -> Bool {
        if target.indexGeneration != source.indexGeneration { return target.indexGeneration < source.indexGeneration }
        // Across product families only the index generation orders versions (Elasticsearch 8 and OpenSearch 2 are peers).
        let sameFamily = (source.distribution == .opensearch) == (target.distribution == .opensearch)
        return sameFamily && target.version < source.version
    }

    /// Whether a target of this version can open every index created by `source`.
    public static func canReadIndices(of source: ClusterVersion, on target: ClusterVersion) -> Bool {
        source.indexGeneration >= target.oldestReadableIndexGeneration && source.indexGeneration <= target.indexGeneration
    }

    /// Whether one rolling (or restart) step may go from `source` to `target`, and if not, why.
    public static func inPlaceStep(from source: ClusterVersion, to target: ClusterVersion, rolling: Bool) -> (allowed: Bool, reason: String)
    {
        let kind = rolling ? "rolling upgrade" : "restart upgrade"
        if source.distribution == .opensearch && target.distribution != .opensearch {
            return (false, "OpenSearch cannot be turned back into Elasticsearch in place.")
        }
        if source.distribution != .opensearch && !source.isOnOpenSearchLine && target.distribution == .opensearch {
            return (
                false,
                "Elasticsearch \(source.version) is past 7.10.2 (not open source); OpenSearch nodes cannot join its cluster or open its data directory."
            )
        }
        if isDowngrade(from: source, to: target) {
            return (false, "\(target.displayName) is older than \(source.displayName): clusters never move to an older version in place.")
        }
        if source.distribution == target.distribution && source.version == target.version
            || source.distribution.isElasticsearchFamily && target.distribution.isElasticsearchFamily && source.version == target.version
        {
            return (false, "Both run \(target.version): there is nothing to upgrade in place.")
        }
        if target.distribution == .opensearch && source.distribution != .opensearch {
            guard target.version.major == 1 else {
                return (
                    false,
                    "OpenSearch \(target.version) cannot take over an Elasticsearch cluster directly: only OpenSearch 1.x upgrades from Elasticsearch OSS 6.8.0-7.10.2, then one major at a time."
                )
            }
            guard source.version >= SemanticVersion(6, 8, 0) else {
                return (
                    false,
                    "OpenSearch 1.x upgrades in place only from Elasticsearch OSS 6.8.0 through 7.10.2; \(source.version) must first reach 6.8.x."
                )
            }
            return (true, "OpenSearch 1.x supports \(kind)s from Elasticsearch OSS 6.8.0 through 7.10.2 (and Open Distro 1.x).")
        }
        if source.version.major == target.version.major {
            return (
                true,
                "\(kind.prefix(1).uppercased() + kind.dropFirst()) within \(target.distribution.displayName) \(target.version.major).x: minor versions upgrade in place."
            )
        }
        guard target.version.major == source.version.major + 1 else {
            return (false, "Upgrades in place move one major version at a time; \(source.version) to \(target.version) skips a major.")
        }
        if rolling {
            guard let oldest = oldestRollingSource(for: target), source.version >= oldest else {
                let floor = oldestRollingSource(for: target).map { "\($0)" } ?? "the last minor"
                return (
                    false,
                    "A rolling upgrade to \(target.displayName) starts from \(floor) or later (mixed-version clusters need it); upgrade \(source.version) to the last \(source.version.major).x minor first, or use a restart upgrade."
                )
            }
            return (
                true, "\(target.displayName) nodes can join a \(source.version) cluster (wire compatible), so nodes upgrade one at a time."
            )
        }
        return (
            true,
            "\(target.displayName) reads indices created by \(source.version.major).x, so a full-cluster restart on the new version keeps the data."
        )
    }

    /// Rolling-upgrade steps from `source` to `target` through the last minor of each major, or nil when no in-place path exists.
    public static func inPlacePath(from source: ClusterVersion, to target: ClusterVersion) -> [ClusterVersion]? {
        var current = source
        var path: [ClusterVersion] = []
        for _ in 0..<8 {
            if inPlaceStep(from: current, to: target, rolling: true).allowed { return path + [target] }
            guard let next = nextHop(from: current, toward: target), next != current,
                inPlaceStep(from: current, to: next, rolling: true).allowed
            else { return nil }
            path.append(next)
            current = next
        }
        return nil
    }

    private static func nextHop(from current: ClusterVersion, toward target: ClusterVersion) -> ClusterVersion? {
        if let last = lastMinor(of: current), current.version < last.version { return last }
        if current.distribution != .opensearch {
            guard current.isOnOpenSearchLine else { return nil }
            if target.distribution == .opensearch && current.version >= SemanticVersion(6, 8, 0) {
                return ClusterVersion(.opensearch, SemanticVersion(1, 3, precision: 2))
            }
            let nextMajor = ClusterVersion(current.distribution, SemanticVersion(current.version.major + 1, 0, precision: 1))
            return lastMinor(of: nextMajor)
        }
        let nextMajor = ClusterVersion(.opensearch, SemanticVersion(current.version.major + 1, 0, precision: 1))
        return lastMinor(of: nextMajor) ?? (nextMajor.version.major == target.version.major ? target : nil)
    }
}
