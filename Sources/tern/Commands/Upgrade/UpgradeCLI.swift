import Foundation
import TernCore
import Upgrade

/// Small pieces the upgrade subcommands share.
enum UpgradeCLI {
    static func target(_ text: String, flag: String = "--to") throws -> ClusterVersion {
        let version = try UpgradeVersion.parse(text, flag: flag)
        try UpgradeVersion.requireTarget(version, flag: flag)
        return version
    }

    /// Progress lines go to standard error, so standard output keeps only the result.
    static let report: @Sendable (String) -> Void = { line in
        Terminal.standardError.write("tern: \(line)\n")
    }

    /// Prints the outcome of a run and fails with exit code 1 when its verification failed.
    static func finish(_ progress: UpgradeProgress, json: Bool) throws {
        if json {
            Terminal.standardOutput.write(try UpgradeProgressPrinter.json(progress) + "\n")
        } else {
            Terminal.standardOutput.write(UpgradeProgressPrinter(color: Terminal.standardOutput.supportsColor).render(progress))
        }
        if progress.verification?.passed == false {
            throw TernError(
                .failedChecks,
                "The upgrade finished but its verification failed (see above); compare with the record in upgrade.json before letting clients back."
            )
        }
    }
}
