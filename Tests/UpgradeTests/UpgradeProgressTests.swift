import Foundation
import TernCore
import Testing

@testable import Upgrade

/// The resumable state: the next step from what was recorded, and the file written atomically.
@Suite struct UpgradeProgressTests {
    let target = ClusterVersion(.opensearch, SemanticVersion(2, 19, 1))

    @Test func rollingStepsGoNodeByNodeThroughEveryPhase() {
        var progress = UpgradeProgress(kind: .rolling, target: target, endpoint: "http://a:9200")
        progress.nodes = [
            .init(name: "data-1", host: nil, fromVersion: "2.11.0"), .init(name: "done", host: nil, fromVersion: "2.19.1", phase: .done),
            .init(name: "manager-1", host: nil, fromVersion: "2.11.0"),
        ]
        var seen: [String] = []
        while let (index, phase) = progress.nextNodeStep() {
            seen.append("\(progress.nodes[index].name):\(phase.rawValue)")
            progress.nodes[index].phase = phase
        }
        let phases = ["allocation-disabled", "flushed", "restarted", "rejoined", "allocation-enabled", "done"]
        #expect(seen == phases.map { "data-1:\($0)" } + phases.map { "manager-1:\($0)" })
    }

    @Test func restartPhasesSkipTheRewriteUnlessDocker() {
        var restart = UpgradeProgress(kind: .restart, target: target, endpoint: "e")
        var docker = UpgradeProgress(kind: .docker, target: target, endpoint: "e")
        var restartPhases: [UpgradeProgress.ClusterPhase] = []
        var dockerPhases: [UpgradeProgress.ClusterPhase] = []
        while let phase = restart.nextClusterPhase() {
            restartPhases.append(phase)
            restart.clusterPhase = phase
        }
        while let phase = docker.nextClusterPhase() {
            dockerPhases.append(phase)
            docker.clusterPhase = phase
        }
        #expect(!restartPhases.contains(.rewritten) && dockerPhases.contains(.rewritten))
        #expect(dockerPhases == UpgradeProgress.ClusterPhase.allCases)
        #expect(dockerPhases.firstIndex(of: .stopped)! < dockerPhases.firstIndex(of: .rewritten)!)
        #expect(dockerPhases.firstIndex(of: .rewritten)! < dockerPhases.firstIndex(of: .started)!)
    }

    @Test func theFileRoundTripsAndRejectsGarbageWithASentence() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-progress-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = UpgradeProgressFile(stateDirectory: folder.path)
        #expect(try file.load() == nil)
        var progress = UpgradeProgress(
            kind: .rolling, target: target, endpoint: "http://a:9200", now: Date(timeIntervalSince1970: 1_700_000_000))
        progress.nodes = [.init(name: "n1", host: "10.0.0.1", fromVersion: "2.11.0", phase: .flushed)]
        progress.before = ClusterRecord(
            takenAt: Date(timeIntervalSince1970: 1_700_000_000), nodes: ["n1": "2.11.0"], health: "green", documents: ["a": 3])
        try file.save(progress)
        #expect(try file.load() == progress)
        let text = try String(contentsOf: file.url, encoding: .utf8)
        #expect(text.contains("\"phase\" : \"flushed\"") && text.contains("\"target\" : \"opensearch:2.19.1\""))
        try "{".write(to: file.url, atomically: true, encoding: .utf8)
        #expect(throws: TernError.self) { try file.load() }
    }

    @Test func verificationComparesVersionsHealthIndicesAndCounts() {
        let before = ClusterRecord(nodes: ["a": "2.11.0", "b": "2.11.0"], health: "green", documents: ["x": 10, "y": 5])
        let good = ClusterRecord(nodes: ["a": "2.19.1", "b": "2.19.1"], health: "green", documents: ["x": 12, "y": 5])
        #expect(UpgradeVerification.compare(before: before, after: good, target: target, allowGrowth: true).passed)
        let strict = UpgradeVerification.compare(before: before, after: good, target: target, allowGrowth: false)
        #expect(!strict.passed && strict.checks.first { $0.name == "documents" }?.detail == "Counts differ: x 10 -> 12.")
        let bad = ClusterRecord(nodes: ["a": "2.19.1", "b": "2.11.0"], health: "yellow", documents: ["x": 10])
        let failed = UpgradeVerification.compare(before: before, after: bad, target: target, allowGrowth: true)
        #expect(failed.checks.filter { !$0.passed }.map(\.name) == ["versions", "health", "indices"])
        #expect(failed.checks[0].detail == "Node(s) not on 2.19.1: b (2.11.0).")
    }
}
