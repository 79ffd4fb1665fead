import Backfill
import Capture
import Foundation
import Logging
import Replication
import SearchClient
import State
import TernCore

/// The gates a cutover checks before it touches anything, also shown by `tern cutover --dry-run`.
struct CutoverPreconditions: Sendable {
    let workspace: Workspace
    let logger: Logger

    func check(store: StateStore, skipBackfillCheck: Bool) async -> [GateAnswer] {
        var answers: [GateAnswer] = []
        for cluster in [workspace.source, workspace.target] {
            do {
                let info = try await SearchClient.withClient(cluster, logger: logger) { try await $0.info() }
                answers.append(GateAnswer(gate: "\(cluster.role) cluster", passed: true, detail: "\(info.version) reachable"))
            } catch {
                answers.append(
                    GateAnswer(
                        gate: "\(cluster.role) cluster", passed: false, detail: TernError.reason(of: error),
                        exitCode: TernError.exitCode(of: error)))
            }
        }
        if workspace.sync == .ccr {
            answers.append(await replication())
        } else {
            answers.append(await backfill(store: store, skip: skipBackfillCheck))
            answers.append(await replayLag(store: store))
        }
        answers.append(await recentValidation(store: store).answer)
        answers.append(await clients())
        return answers
    }

    private func backfill(store: StateStore, skip: Bool) async -> GateAnswer {
        if skip { return GateAnswer(gate: "backfill", passed: true, blocking: false, detail: "not checked (--no-backfill-check)") }
        do {
            // Every run kind copies documents: the latest run of any of them is the backfill the cutover relies on.
            let runs = try await store.runs()
            guard let latest = runs.max(by: { $0.run.lastStartedAt < $1.run.lastStartedAt }) else {
                return GateAnswer(
                    gate: "backfill", passed: false,
                    detail:
                        "no backfill is recorded in \(workspace.stateDirectory); run tern backfill first (or pass --no-backfill-check when the documents were copied another way)"
                )
            }
            let run = latest.run
            switch run.status {
            case .completed:
                return GateAnswer(
                    gate: "backfill", passed: true,
                    detail: "\(run.kind.rawValue) run \(run.id) completed: \(latest.totals.written) documents written")
            case .running:
                return GateAnswer(
                    gate: "backfill", passed: false,
                    detail:
                        "\(run.kind.rawValue) run \(run.id) is unfinished (\(latest.pendingUnits) units pending); run it again to finish it"
                )
            case .completedWithFailures:
                return GateAnswer(
                    gate: "backfill", passed: false,
                    detail:
                        "\(run.kind.rawValue) run \(run.id) finished with \(latest.totals.failed) documents refused; fix them (dead-letter file) or repair with tern validate --repair"
                )
            case .abandoned:
                return GateAnswer(
                    gate: "backfill", passed: false,
                    detail: "\(run.kind.rawValue) run \(run.id) was abandoned; run a backfill to completion")
            }
        } catch {
            return GateAnswer(gate: "backfill", passed: false, detail: TernError.reason(of: error))
        }
    }

    /// With cross-cluster replication: every selected index followed, none paused or bootstrapping, the lag bounded.
    private func replication() async -> GateAnswer {
        do {
            let statuses = try await ReplicationRunner(
                source: workspace.source, target: workspace.target, options: ReplicationRunner.Options(selection: workspace.selection),
                logger: logger
            ).status()
            guard !statuses.isEmpty else {
                return GateAnswer(gate: "replication", passed: false, detail: "no open source index matches the selection")
            }
            let notFollowed = statuses.filter { !$0.isReplicating || $0.status == "PAUSED" || $0.status == "BOOTSTRAPPING" }
            guard notFollowed.isEmpty else {
                let list = notFollowed.map { "\($0.follower) \($0.status.lowercased())" }.joined(separator: ", ")
                return GateAnswer(
                    gate: "replication", passed: false,
                    detail: "not every index is followed and in sync (\(list)); run tern ccr start, or wait for the bootstrap")
            }
            let lag = statuses.compactMap(\.lag).reduce(0, +)
            let bound = Int64(workspace.cutover.maxLag)
            return GateAnswer(
                gate: "replication", passed: lag <= bound,
                detail: lag <= bound
                    ? "\(statuses.count) followers, \(lag) operations behind (bound \(bound))"
                    : "\(statuses.count) followers, \(lag) operations behind, more than the bound of \(bound); let them catch up, or raise cutover.max_lag"
            )
        } catch {
            return GateAnswer(
                gate: "replication", passed: false, detail: TernError.reason(of: error), exitCode: TernError.exitCode(of: error))
        }
    }

    private func replayLag(store: StateStore) async -> GateAnswer {
        guard workspace.hasCaptureLog(workspace.captureDirectory) else {
            return GateAnswer(
                gate: "replay lag", passed: true, blocking: false,
                detail: "no capture log in \(workspace.captureDirectory): clients do not write through a tern proxy")
        }
        do {
            let pending = try await ReplayStatus.pendingRecords(
                store: store, captureDirectory: workspace.captureDirectory, target: workspace.target.displayEndpoint)
            let bound = workspace.cutover.maxLag
            return GateAnswer(
                gate: "replay lag", passed: pending <= bound,
                detail: pending <= bound
                    ? "\(pending) records behind (bound \(bound))"
                    : "\(pending) records behind, more than the bound of \(bound); let tern replay catch up, or raise cutover.max_lag")
        } catch {
            return GateAnswer(gate: "replay lag", passed: false, detail: TernError.reason(of: error))
        }
    }

    /// Whether a validation of these two clusters passed recently; without one the gate compares every document.
    func recentValidation(store: StateStore) async -> (answer: GateAnswer, recent: Bool) {
        let maxAge = workspace.cutover.maxValidationAge.inSeconds
        let record = try? await store.validations(limit: 50).first {
            $0.source == workspace.source.displayEndpoint && $0.target == workspace.target.displayEndpoint
        }
        guard let record, record.ok, Date().timeIntervalSince(record.finishedAt) <= maxAge else {
            let why = record.map {
                $0.ok ? "the last passed validation is older than \(Int(maxAge)) s" : "the last validation found differences"
            }
            return (
                GateAnswer(
                    gate: "recent validation", passed: false, blocking: false,
                    detail: "\(why ?? "no validation recorded"): the gate compares every document, with writes held"), false
            )
        }
        let minutes = Int(Date().timeIntervalSince(record.finishedAt) / 60)
        return (
            GateAnswer(
                gate: "recent validation", passed: true,
                detail:
                    "passed \(minutes) min ago (\(record.summary)): the gate compares counts and a \(Self.percent(workspace.cutover.gateSample)) sample"
            ), true
        )
    }

    private func clients() async -> GateAnswer {
        let hooks = workspace.cutover.switchHooks.count
        guard let proxy = workspace.proxy else {
            return GateAnswer(
                gate: "client switch", passed: hooks > 0,
                detail: hooks > 0
                    ? "\(hooks) switch hooks (no proxy: writes that reach the source during the cutover fail on the write block)"
                    : "nothing moves the clients: run tern proxy and name it in migration.proxy (or --proxy), or add cutover.hooks.switch to tern.yml"
            )
        }
        do {
            let status = try await proxy.status()
            let mode = status["mode"]?.stringValue ?? "unknown"
            guard status.value(at: "capture_position.target") != nil else {
                return GateAnswer(
                    gate: "client switch", passed: false,
                    detail:
                        "the proxy at \(ClusterConfiguration.display(proxy.url)) was started without a target cluster; restart it with the target (tern proxy --target URL) so it can route clients there"
                )
            }
            return GateAnswer(
                gate: "client switch", passed: true,
                detail:
                    "proxy at \(ClusterConfiguration.display(proxy.url)) in \(mode) mode\(hooks > 0 ? ", and \(hooks) switch hooks" : "")")
        } catch {
            return GateAnswer(gate: "client switch", passed: false, detail: TernError.reason(of: error))
        }
    }

    static func percent(_ rate: Double) -> String {
        rate >= 1 ? "100%" : "\((rate * 1000).rounded() / 10)%"
    }
}
