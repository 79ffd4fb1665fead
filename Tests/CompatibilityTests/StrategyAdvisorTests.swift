import SearchClient
import TernCore
import Testing

@testable import Compatibility

@Suite struct StrategyAdvisorTests {
    func verdict(_ source: String, _ target: String) throws -> Verdict {
        StrategyAdvisor.assess(
            source: ClusterProfile(version: try ClusterVersion(parsing: source, flag: "--source-version")),
            target: ClusterProfile(version: try ClusterVersion(parsing: target, flag: "--target-version")))
    }

    func possible(_ verdict: Verdict) -> Set<Strategy> {
        Set(verdict.strategies.filter(\.possible).map(\.name))
    }

    @Test func everyStrategyIsAssessedOnce() throws {
        let names = try verdict("opensearch:2.11.0", "opensearch:2.19.1").strategies.map(\.name)
        #expect(names == Strategy.allCases)
    }

    @Test func elasticsearchOSS68ToOpenSearch10UpgradesInPlace() throws {
        let v = try verdict("elasticsearch-oss:6.8.0", "opensearch:1.0.0")
        #expect(possible(v).isSuperset(of: [.rollingUpgrade, .restartUpgrade, .snapshotRestore, .remoteReindex, .documentCopy]))
        #expect(v.recommended == .rollingUpgrade)
        #expect(v.warnings.contains { $0.contains("compatibility.override_main_response_version") })
    }

    @Test func elasticsearch7102ToOpenSearch13UpgradesInPlaceWithXPackWarningForTheDefaultDistribution() throws {
        let oss = try verdict("elasticsearch-oss:7.10.2", "opensearch:1.3.20")
        #expect(possible(oss).contains(.rollingUpgrade))
        #expect(!oss.warnings.contains { $0.contains("X-Pack") })
        let `default` = try verdict("elasticsearch:7.10.2", "opensearch:1.3.x")
        #expect(possible(`default`).contains(.rollingUpgrade))
        #expect(`default`.warnings.contains { $0.contains("X-Pack") })
        #expect(`default`.assessment(.rollingUpgrade)?.reasons.contains { $0.contains("X-Pack") } == true)
    }

    @Test func elasticsearch717ToOpenSearch2NeedsACopy() throws {
        let v = try verdict("elasticsearch:7.17.9", "opensearch:2.19.1")
        #expect(possible(v) == [.remoteReindex, .documentCopy])
        #expect(v.recommended == .documentCopy)
        #expect(v.assessment(.rollingUpgrade)?.reasons.first?.contains("past 7.10.2") == true)
        #expect(v.assessment(.snapshotRestore)?.reasons.first?.contains("7.11 and later") == true)
        #expect(v.upgradePath == nil)
    }

    @Test func elasticsearch8ToOpenSearch2NeedsACopy() throws {
        let v = try verdict("elasticsearch:8.15.0", "opensearch:2.19.1")
        #expect(possible(v) == [.remoteReindex, .documentCopy])
        #expect(v.recommended == .documentCopy)
    }

    @Test func openSearch219ToOpenSearch13IsADowngrade() throws {
        let v = try verdict("opensearch:2.19.1", "opensearch:1.3.20")
        #expect(!possible(v).contains(.rollingUpgrade) && !possible(v).contains(.restartUpgrade) && !possible(v).contains(.snapshotRestore))
        #expect(possible(v).contains(.documentCopy))
        #expect(v.warnings.contains { $0.contains("older than the source") })
        #expect(v.assessment(.documentCopy)?.reasons.contains { $0.contains("older version") } == true)
    }

    @Test func openSearch13ToOpenSearch3StepsThrough2OrCopies() throws {
        let v = try verdict("opensearch:1.3.20", "opensearch:3.1.0")
        #expect(possible(v) == [.remoteReindex, .documentCopy])
        #expect(v.assessment(.snapshotRestore)?.reasons.first?.contains("same or the next major") == true)
        #expect(v.upgradePath?.map(\.description) == ["opensearch:1.3.20", "opensearch:2.19.x", "opensearch:3.1.0"])
        #expect(v.recommended == .documentCopy)
    }

    @Test func elasticsearch56ToOpenSearch1CannotRestore() throws {
        let v = try verdict("elasticsearch-oss:5.6.16", "opensearch:1.3.20")
        #expect(possible(v) == [.remoteReindex, .documentCopy])
        #expect(v.assessment(.snapshotRestore)?.possible == false)
        #expect(v.upgradePath?.map(\.description) == ["elasticsearch-oss:5.6.16", "elasticsearch-oss:6.8.x", "opensearch:1.3.20"])
    }

    @Test func openSearch211To219IsARollingMinorUpgrade() throws {
        let v = try verdict("opensearch:2.11.0", "opensearch:2.19.1")
        #expect(possible(v) == Set(Strategy.allCases))
        #expect(v.recommended == .rollingUpgrade)
        #expect(v.warnings.isEmpty)
    }

    @Test func rollingAcrossAMajorStartsFromTheLastMinor() throws {
        let early = try verdict("opensearch:2.11.0", "opensearch:3.0.0")
        #expect(early.assessment(.rollingUpgrade)?.possible == false)
        #expect(early.assessment(.restartUpgrade)?.possible == true)
        #expect(early.upgradePath?.map(\.description) == ["opensearch:2.11.0", "opensearch:2.19.x", "opensearch:3.0.0"])
        #expect(try verdict("opensearch:2.19.1", "opensearch:3.0.0").assessment(.rollingUpgrade)?.possible == true)
        #expect(try verdict("elasticsearch-oss:6.5.4", "opensearch:1.3.0").assessment(.rollingUpgrade)?.possible == false)
    }

    @Test func liveFactsBlockInPlaceForIndicesTwoMajorsBack() throws {
        let old = IndexSummary(name: "logs-2017", createdVersion: ClusterVersion(.elasticsearch, SemanticVersion(5, 6, 4)))
        let fresh = IndexSummary(name: "logs-2020", createdVersion: ClusterVersion(.elasticsearch, SemanticVersion(6, 8, 0)))
        let v = StrategyAdvisor.assess(
            source: ClusterProfile(
                version: ClusterVersion(.elasticsearchOSS, SemanticVersion(6, 8, 0)), indices: [old, fresh], sourceDisabledIndices: ["raw"]),
            target: ClusterProfile(version: ClusterVersion(.opensearch, SemanticVersion(1, 3, 0))))
        #expect(v.assessment(.rollingUpgrade)?.possible == false)
        #expect(v.assessment(.rollingUpgrade)?.reasons.contains { $0.contains("logs-2017") } == true)
        #expect(v.assessment(.snapshotRestore)?.possible == false)
        #expect(v.warnings.contains { $0.contains("_source is disabled in raw") })
        #expect(v.assessment(.documentCopy)?.possible == true)
    }

    @Test func remoteAllowlistIsCheckedWhenKnown() throws {
        let source = ClusterProfile(
            version: ClusterVersion(.elasticsearch, SemanticVersion(7, 17, 0)), indices: [], hostAndPort: "old:9200", clusterUUID: "a")
        let allowed = StrategyAdvisor.assess(
            source: source,
            target: ClusterProfile(
                version: ClusterVersion(.opensearch, SemanticVersion(2, 19, 1)), indices: [], remoteAllowlist: ["old:*"], clusterUUID: "b"))
        #expect(
            allowed.assessment(.remoteReindex)?.reasons.contains { $0.contains("already in the target's reindex.remote.allowlist") } == true
        )
        let missing = StrategyAdvisor.assess(
            source: source,
            target: ClusterProfile(
                version: ClusterVersion(.opensearch, SemanticVersion(1, 3, 0)), indices: [], remoteAllowlist: [], clusterUUID: "b"))
        #expect(missing.assessment(.remoteReindex)?.reasons.contains { $0.contains("not whitelisted in reindex.remote.whitelist") } == true)
    }

    @Test func allowlistPatternsMatchLikeTheServer() {
        #expect(StrategyAdvisor.matches(pattern: "old:9200", "old:9200"))
        #expect(StrategyAdvisor.matches(pattern: "*.example.com:*", "es1.example.com:9200"))
        #expect(!StrategyAdvisor.matches(pattern: "*.example.com:9200", "es1.example.org:9200"))
    }

    @Test func twoLiveClustersRecommendACopyAndTheSameClusterTwiceIsFlagged() {
        let version = ClusterVersion(.opensearch, SemanticVersion(2, 11, 0))
        let newer = ClusterVersion(.opensearch, SemanticVersion(2, 19, 1))
        let blue = ClusterProfile(version: version, indices: [], hostAndPort: "blue:9200", clusterUUID: "u1")
        let green = ClusterProfile(version: newer, indices: [], hostAndPort: "green:9200", clusterUUID: "u2")
        let v = StrategyAdvisor.assess(source: blue, target: green)
        #expect(v.recommended == .documentCopy)
        #expect(v.assessment(.rollingUpgrade)?.reasons.contains { $0.contains("target cluster you named would stay unused") } == true)
        let same = StrategyAdvisor.assess(
            source: blue, target: ClusterProfile(version: version, indices: [], hostAndPort: "blue:9200", clusterUUID: "u1"))
        #expect(same.warnings.first?.hasPrefix("Source and target are the same cluster") == true)
    }
}
