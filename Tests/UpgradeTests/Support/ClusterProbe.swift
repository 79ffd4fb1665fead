import Logging
import SearchClient
import TernCore

/// Asks a test cluster directly, outside the code under test.
enum ClusterProbe {
    static func json(
        _ configuration: ClusterConfiguration, _ method: HTTPMethod = .GET, _ path: String, query: [(String, String)] = []
    ) async throws -> JSONValue? {
        try await SearchClient.withClient(configuration, logger: Logger(label: "probe")) { client in
            try await client.send(method, path, query: query).json()
        }
    }

    /// `cluster.routing.allocation.enable` as the cluster has it (nil: the default, all).
    static func allocation(_ configuration: ClusterConfiguration) async throws -> String? {
        let settings = try await json(configuration, .GET, "/_cluster/settings", query: [("flat_settings", "true")])
        return settings?["persistent"]?["cluster.routing.allocation.enable"]?.stringValue
    }
}
