import Foundation
import SearchClient
import TernCore
import Testing

@testable import Compatibility

@Suite struct CheckReportTests {
    func offline(_ version: ClusterVersion) -> ClusterReport {
        var report = ClusterReport(mode: .offline)
        report.distribution = version.distribution
        report.version = version.version
        return report
    }

    @Test func exitCodesFollowTheVerdictAndTheSides() {
        let os = offline(ClusterVersion(.opensearch, SemanticVersion(2, 19, 1)))
        let impossible = Verdict(
            strategies: Strategy.allCases.map { StrategyAssessment(name: $0, possible: false, reasons: ["no"]) },
            recommended: nil, recommendationReason: nil, upgradePath: nil, warnings: [])
        #expect(CheckReport(source: os, target: os, verdict: impossible).exitCode == .failure)

        var possible = impossible
        possible.strategies[4].possible = true
        #expect(CheckReport(source: os, target: os, verdict: possible).exitCode == .success)

        var unreachable = ClusterReport(mode: .live)
        unreachable.error = "Connection refused"
        unreachable.errorExitCode = TernExitCode.unreachable.rawValue
        #expect(CheckReport(source: unreachable, target: os, verdict: nil).exitCode == .unreachable)
    }

    @Test func recommendedIsNullInJSONWhenNothingIsPossible() throws {
        let os = offline(ClusterVersion(.opensearch, SemanticVersion(2, 19, 1)))
        let report = CheckReport(source: os, target: os, verdict: nil)
        let text = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(text.contains(#""recommended":null"#))
        #expect(text.contains(#""strategies":[]"#))
    }
}
