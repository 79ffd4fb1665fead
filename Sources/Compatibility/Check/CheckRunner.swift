import Logging
import SearchClient
import TernCore

/// Runs `tern check`: each side live or offline, then the verdict.
public struct CheckRunner: Sendable {
    /// One side of the check.
    public enum Side: Sendable {
        /// Ask a cluster.
        case live(ClusterConfiguration)
        /// Only a version (`--source-version elasticsearch:7.10.2`).
        case offline(ClusterVersion)
    }

    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Both sides are inspected concurrently; the verdict needs both.
    public func run(source: Side, target: Side) async -> CheckReport {
        async let sourceResult = examine(source)
        async let targetResult = examine(target)
        let (sourceReport, sourceProfile) = await sourceResult
        let (targetReport, targetProfile) = await targetResult
        var verdict: Verdict?
        if let sourceProfile, let targetProfile {
            verdict = StrategyAdvisor.assess(source: sourceProfile, target: targetProfile)
        }
        return CheckReport(source: sourceReport, target: targetReport, verdict: verdict)
    }

    private func examine(_ side: Side) async -> (ClusterReport, ClusterProfile?) {
        switch side {
        case .live(let configuration):
            return await ClusterInspector(logger: logger).inspect(configuration)
        case .offline(let version):
            var report = ClusterReport(mode: .offline)
            report.distribution = version.distribution
            report.version = version.version
            return (report, ClusterProfile(version: version))
        }
    }
}
