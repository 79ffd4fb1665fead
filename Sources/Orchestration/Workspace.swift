import Capture
import Foundation
import State
import TernCore

/// Everything a blue-green operation acts on: the two clusters, the indices, the workspace folders, the proxy and
/// the hooks that move clients.
public struct Workspace: Sendable {
    public var source: ClusterConfiguration
    public var target: ClusterConfiguration
    public var selection: IndexSelection
    public var stateDirectory: String
    /// The process's one state store, in `stateDirectory`: every step of every operation records through it.
    public var store: StateStore
    /// The capture log of writes sent to the source (replayed to the target).
    public var captureDirectory: String
    /// The capture log of writes sent to the target after cutover (replayed to the source by a rollback).
    public var targetCaptureDirectory: String
    /// The running capture proxy, when clients write through one.
    public var proxy: ProxyAdminClient?
    public var cutover: CutoverSettings
    /// How the target is kept in sync: the cutover drains the capture log, or waits for the followers and stops them.
    public var sync: SyncMethod

    public init(
        source: ClusterConfiguration, target: ClusterConfiguration, selection: IndexSelection, stateDirectory: String,
        store: StateStore, captureDirectory: String, targetCaptureDirectory: String, proxy: ProxyAdminClient?, cutover: CutoverSettings,
        sync: SyncMethod = .proxy
    ) {
        self.sync = sync
        self.source = source
        self.target = target
        self.selection = selection
        self.stateDirectory = stateDirectory
        self.store = store
        self.captureDirectory = captureDirectory
        self.targetCaptureDirectory = targetCaptureDirectory
        self.proxy = proxy
        self.cutover = cutover
    }

    /// Whether a capture log exists (clients write, or wrote, through the proxy).
    func hasCaptureLog(_ directory: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// Runs one hook with the clusters (never credentials) in its environment.
    func runHook(_ hook: HookCommand) async throws -> HookOutcome {
        let runner = HookRunner(
            timeout: cutover.hookTimeout, environment: ["TERN_SOURCE": source.displayEndpoint, "TERN_TARGET": target.displayEndpoint])
        let started = ContinuousClock.now
        let outcome = try await runner.run(hook.command)
        return HookOutcome(
            command: hook.command, exitStatus: outcome.status, output: String(outcome.output.suffix(8192)),
            seconds: (ContinuousClock.now - started).inSeconds, timedOut: outcome.timedOut)
    }
}
