import Logging
import SearchClient
import TernCore

/// Gathers the facts `tern check` reports about one live cluster.
public struct ClusterInspector: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Asks the cluster who it is, how healthy it is, and what it holds. Never throws: a failure becomes the report's error.
    /// - Returns: the report, and the profile the advisor needs (nil when the cluster could not be read).
    public func inspect(_ configuration: ClusterConfiguration) async -> (ClusterReport, ClusterProfile?) {
        var report = ClusterReport(mode: .live)
        report.endpoint = configuration.displayEndpoint
        do {
            return try await SearchClient.withClient(configuration, logger: logger) { client in
                // First contact fails fast: a wrong address should not wait through a whole retry schedule.
                let info = try await client.info(retries: RetrySettings(maxAttempts: min(2, configuration.retries.maxAttempts)))
                report.reachable = true
                report.distribution = info.version.distribution
                report.version = info.version.version
                report.clusterName = info.clusterName
                report.clusterUUID = info.clusterUUID
                report.hosting = info.hosting
                report.reportedVersion = info.reportedVersion
                report.compatibilityMode = info.compatibilityModeEnabled
                let health = try await client.health()
                report.health = health

                var notes: [String] = []
                var profile = ClusterProfile(
                    version: info.version, hosting: info.hosting, health: health, hostAndPort: Self.hostAndPort(configuration),
                    clusterUUID: info.clusterUUID, compatibilityModeEnabled: info.compatibilityModeEnabled)
                do {
                    let nodes = try await client.nodes()
                    report.nodes = nodes
                    report.plugins = Array(Set(nodes.flatMap(\.plugins))).sorted()
                } catch let error as TernError {
                    notes.append("Nodes not read: \(error.message)")
                }
                do {
                    let indices = try await client.indices()
                    report.indices = indices
                    report.indexCount = indices.count
                    report.documentCount = indices.reduce(0) { $0 + $1.documents }
                    report.storeBytes = indices.reduce(0) { $0 + $1.storeBytes }
                    profile.indices = indices
                } catch let error as TernError {
                    notes.append("Indices not read: \(error.message)")
                }
                do {
                    profile.sourceDisabledIndices = try await client.indicesWithSourceDisabled()
                } catch let error as TernError {
                    notes.append("Mappings not read: \(error.message)")
                }
                profile.remoteAllowlist = try await client.nodeSetting(CompatibilityRules.remoteAllowlistSetting(of: info.version))
                report.notes = notes.isEmpty ? nil : notes
                return (report, profile)
            }
        } catch {
            let failure = error as? TernError ?? TernError(.connection, "The \(configuration.role) cluster could not be checked: \(error).")
            report.reachable = false
            report.error = failure.message
            report.errorExitCode = failure.exitCode.rawValue
            return (report, nil)
        }
    }

    static func hostAndPort(_ configuration: ClusterConfiguration) -> String? {
        guard let url = configuration.endpoints.first, let host = url.host else { return nil }
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        return "\(host):\(port)"
    }
}
