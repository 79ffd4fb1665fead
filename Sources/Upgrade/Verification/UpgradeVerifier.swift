import Logging
import SearchClient
import TernCore

/// Reads the cluster and compares it with the record taken before an upgrade (`tern upgrade verify`).
public struct UpgradeVerifier: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func verify(_ configuration: ClusterConfiguration, before: ClusterRecord, target: ClusterVersion, allowGrowth: Bool)
        async throws -> UpgradeVerification
    {
        let after = try await SearchClient.withClient(configuration, logger: logger) { try await ClusterRecord.take($0) }
        return UpgradeVerification.compare(before: before, after: after, target: target, allowGrowth: allowGrowth)
    }
}
