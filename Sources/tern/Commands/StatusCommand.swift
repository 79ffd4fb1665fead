import ArgumentParser
import Backfill
import Capture
import Foundation
import Orchestration
import Replication
import State
import TernCore
import Validation

/// `tern status`: one view of the migration in this workspace.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "One view of the migration: backfills, replays and their lag, validations, and the proxy.",
        discussion: """
            Shows the phase of the migration (not-started, copying, ready-for-cutover, cutting-over, cut-over, \
            rolling-back, rolled-back, decommissioned) with the steps of the latest migrate, cutover, rollback and \
            decommission, then reads the state folder (backfill runs, --fast-load settings still to put back, replay positions, the \
            latest validations) and the capture log (replay lag now). With --proxy, or when a proxy token file is \
            in the state folder, it also asks the running proxy for its mode and counters.

            Examples:
              tern status
              tern status --proxy http://127.0.0.1:9400 --json
            """)

    @OptionGroup var clusters: ClusterOptions

    @OptionGroup var state: StateFolderOption

    @OptionGroup var proxy: ProxyOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    struct Status: Encodable {
        var phase: MigrationPhase
        var operations: [OperationRecord]
        var backfills: [RunSummary]
        var fastLoadSettingsToRestore: [RememberedSetting]
        var replays: [ReplayReport]
        var validations: [ValidationRecord]
        var proxy: JSONValue?
        var proxyError: String?
        /// With `migration.sync: ccr`: each follower's state and lag.
        var replication: [ReplicationClient.FollowerStatus]?
        var replicationError: String?

        enum CodingKeys: String, CodingKey {
            case phase, operations, backfills, replays, validations, proxy, replication
            case fastLoadSettingsToRestore = "fast_load_settings_to_restore"
            case proxyError = "proxy_error"
            case replicationError = "replication_error"
        }
    }

    func run() async throws {
        let logger = global.makeLogger()
        let configuration = try clusters.load()
        let stateDirectory = state.resolve(configuration.migration)
        let store = try StateFolderOption.openExisting(stateDirectory, nothing: "nothing has run here yet")
        let replays = try await ReplayStatus.reports(store: store)
        let (phase, operations) = try await MigrationPhase.current(store: store)
        var status = Status(
            phase: phase, operations: operations,
            backfills: Array(try await store.runs(kind: .backfill).prefix(5)),
            fastLoadSettingsToRestore: try await store.allSettingsToRestore(),
            replays: replays, validations: try await store.validations())
        var proxyAddress: String?
        do {
            if let client = try proxy.configuredClient(
                configuration.migration, captureDirectory: configuration.migration.captureDirectory)
            {
                proxyAddress = ClusterConfiguration.display(client.url)
                status.proxy = try await client.status()
            }
        } catch let error as TernError {
            status.proxyError = error.message
        }
        if configuration.migration.sync == .ccr, let source = configuration.source, let target = configuration.target {
            let selection = IndexSelection(
                include: configuration.migration.includedIndices, exclude: configuration.migration.excludedIndices)
            do {
                status.replication = try await ReplicationRunner(
                    source: source, target: target, options: ReplicationRunner.Options(selection: selection), logger: logger
                ).status()
            } catch let error as TernError {
                status.replicationError = error.message
            }
        }
        if json {
            Terminal.standardOutput.write(try JSONOutput.encode(status) + "\n")
            return
        }
        var out = "Phase: \(phase.rawValue)\n"
        for operation in operations.reversed() { out += OperationPrinter.steps(operation) }
        out += "Backfill\n"
        if status.backfills.isEmpty { out += "  none recorded\n" }
        for summary in status.backfills {
            let totals = summary.totals
            out +=
                "  run \(summary.run.id) \(summary.run.status.rawValue): \(summary.run.description); \(totals.written) written, \(totals.failed) failed, \(summary.pendingUnits) units pending\n"
        }
        for setting in status.fastLoadSettingsToRestore {
            out += "  --fast-load left \(setting.setting) of \(setting.index) changed (was \(setting.originalValue ?? "unset"))\n"
        }
        out += "Replay\n"
        if replays.isEmpty { out += "  none recorded\n" }
        for report in replays {
            out += ReplayReportPrinter(report: report).human().split(separator: "\n").map { "  \($0)\n" }.joined()
        }
        if let followers = status.replication {
            out += "Replication\n"
            if followers.isEmpty { out += "  no open source index matches the selection\n" }
            for follower in followers {
                out += "  \(follower.follower): \(follower.status)\(follower.lag.map { ", \($0) operations behind" } ?? "")\n"
            }
        } else if let error = status.replicationError {
            out += "Replication\n  \(error)\n"
        }
        out += "Validation\n"
        if status.validations.isEmpty { out += "  none recorded\n" }
        for validation in status.validations {
            out +=
                "  \(ISO8601DateFormatter().string(from: validation.finishedAt)) \(validation.ok ? "clean" : "DIFFERENCES"): \(validation.summary)\n"
        }
        if let proxy = status.proxy {
            out +=
                "Proxy\n"
                + ProxyStatusPrinter(proxy: proxyAddress ?? "", status: proxy).human().split(separator: "\n").map { "  \($0)\n" }
                .joined()
        } else if let error = status.proxyError {
            out += "Proxy\n  \(error)\n"
        }
        Terminal.standardOutput.write(out)
    }
}
