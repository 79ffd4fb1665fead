import Compatibility
import Foundation
import SearchClient
import TernCore

/// What rolling, restart and Docker upgrades share: the progress file (resume or start), the version gate, the pre-flight
/// record and snapshot, the hooks, and recording a stop.
struct UpgradeSession: Sendable {
    let kind: UpgradeProgress.Kind
    let request: UpgradeRequest
    let settings: UpgradeSettings
    let endpoint: String
    let file: UpgradeProgressFile
    let report: @Sendable (String) -> Void
    /// Docker upgrades: the Compose file, for the resume hint.
    let composeFile: String?

    init(
        kind: UpgradeProgress.Kind, request: UpgradeRequest, settings: UpgradeSettings, endpoint: String, composeFile: String? = nil,
        report: @escaping @Sendable (String) -> Void
    ) {
        self.kind = kind
        self.composeFile = composeFile
        self.request = request
        self.settings = settings
        self.endpoint = endpoint
        self.file = UpgradeProgressFile(stateDirectory: request.stateDirectory)
        self.report = report
    }

    var command: String {
        kind == .docker ? "tern upgrade docker --compose \(composeFile ?? "FILE") --apply" : "tern upgrade \(kind.rawValue)"
    }

    /// How to continue after a stop, appended to every gate failure.
    var resumeHint: String {
        "run \(command) --to \(request.target.version) again to resume (progress in \(file.url.path))."
    }

    /// The unfinished upgrade to resume, or nil to start a new one.
    /// - Throws: `.upgradeRefused` when an unfinished upgrade of another kind or version is recorded.
    func resumable() throws -> UpgradeProgress? {
        guard !request.fresh, let existing = try file.load(), existing.status != .completed else { return nil }
        guard existing.kind == kind, existing.target == request.target.description else {
            let other = existing.kind == .docker ? "tern upgrade docker --apply" : "tern upgrade \(existing.kind.rawValue)"
            throw TernError(
                .upgradeRefused,
                "An unfinished \(existing.kind.rawValue) upgrade to \(existing.target) is recorded in \(file.url.path) (\(existing.status.rawValue)); resume it with \(other) --to \(existing.target), or pass --fresh to discard it."
            )
        }
        report(
            "Resuming the \(kind.rawValue) upgrade to \(existing.target) started \(existing.startedAt)\(existing.lastError.map { " (it stopped: \($0))" } ?? "")."
        )
        return existing
    }

    /// Refuses a version change no in-place upgrade can make (a downgrade, a skipped major) with the rule's sentence.
    func checkVersions(from current: ClusterVersion, rolling: Bool) throws {
        let target = request.target
        if current.version == target.version && current.distribution == target.distribution && request.restartAll { return }
        let step = CompatibilityRules.inPlaceStep(from: current, to: target, rolling: rolling)
        guard step.allowed else {
            throw TernError(
                .upgradeRefused,
                "\(step.reason) Tern changed nothing; tern upgrade plan --to \(target) shows the way.")
        }
    }

    /// Health before anything changes: never start on a red cluster, nor on a yellow one with several data nodes.
    func checkHealthBeforeStart(_ client: SearchClient) async throws {
        let health = try await client.health()
        if health.status == .red || (health.status == .yellow && health.numberOfDataNodes > 1) {
            throw TernError(
                .upgradeGate,
                "The cluster is \(health.status) (\(health.unassignedShards) unassigned shard(s)); bring it to green before upgrading (GET _cluster/allocation/explain tells why). Tern changed nothing."
            )
        }
    }

    /// The pre-upgrade snapshot, when asked for and a repository is registered.
    func snapshot(_ client: SearchClient, into progress: inout UpgradeProgress) async throws {
        guard request.takeSnapshot else {
            progress.snapshot = "skipped (--no-snapshot)"
            report("No snapshot: --no-snapshot was given.")
            return
        }
        let step = SnapshotStep(client: client, settings: settings, resumeHint: resumeHint)
        let (taken, note) = try await step.take(named: SnapshotStep.name())
        progress.snapshot = taken ?? note
        report(note)
    }

    /// Runs each command of a hook in order, with `{node}`, `{host}` and `{version}` substituted.
    func runHooks(_ hooks: [HookCommand], name: String, subject: String = "", values: [String: String], allocationNote: String)
        async throws
    {
        let runner = HookRunner(
            timeout: settings.hookTimeout,
            environment: [
                "TERN_NODE": values["node"] ?? "", "TERN_HOST": values["host"] ?? "",
                "TERN_TARGET_VERSION": request.target.version.description,
            ])
        for hook in hooks {
            let command = hook.substituting(values)
            report("Running the \(name) hook\(subject): \(command)")
            let outcome = try await runner.run(command)
            let origin = hook.origin.isEmpty ? "" : " (\(hook.origin))"
            if outcome.timedOut {
                throw TernError(
                    .upgradeGate,
                    "The \(name) hook\(subject)\(origin) did not finish within \(UpgradeCluster.format(settings.hookTimeout)) and was stopped\(allocationNote); fix it, then \(resumeHint)"
                )
            }
            guard outcome.status == 0 else {
                throw TernError(
                    .upgradeGate,
                    "The \(name) hook\(subject)\(origin) exited with status \(outcome.status)\(outcome.lastLine.map { " (\($0))" } ?? "")\(allocationNote); fix it, then \(resumeHint)"
                )
            }
        }
    }

    func save(_ progress: inout UpgradeProgress) throws {
        progress.updatedAt = Date()
        try file.save(progress)
    }

    /// Records a stop with its sentence, then lets the error go on to the operator.
    func stop(_ progress: inout UpgradeProgress, _ error: Error) -> Error {
        let message = (error as? TernError)?.message ?? "\(error)"
        progress.status = .stopped
        progress.lastError = message
        try? save(&progress)
        return error
    }
}
