import Logging
import TernCore
import TernTestSupport
import Testing

@testable import SearchClient

/// The client against a real osmem-server (OpenSearch 3.8.0 compatible) over real sockets.
@Suite struct SearchClientOsmemTests {
    let logger = Logger(label: "test")

    @Test func detectsOpenSearchAndReadsClusterFacts() async throws {
        try await OsmemServer.with { server in
            try await server.createIndex("books", body: #"{"settings":{"number_of_shards":2}}"#)
            try await server.seed(index: "books", documents: (1...25).map { (String($0), #"{"title":"book \#($0)"}"#) })
            try await server.createIndex("raw", body: #"{"mappings":{"_source":{"enabled":false}}}"#)
            try await SearchClient.withClient(server.configuration(role: "source"), logger: logger) { client in
                let info = try await client.info()
                #expect(info.version == ClusterVersion(.opensearch, SemanticVersion(3, 8, 0)))
                #expect(info.compatibilityModeEnabled == false)
                let health = try await client.health()
                #expect([.green, .yellow].contains(health.status))
                #expect(health.numberOfNodes == 1)
                let indices = try await client.indices()
                let books = try #require(indices.first { $0.name == "books" })
                #expect(books.documents == 25)
                #expect(books.primaryShards == 2)
                #expect(books.storeBytes > 0)
                #expect(books.createdVersion == ClusterVersion(.opensearch, SemanticVersion(3, 8, 0)))
                let nodes = try await client.nodes()
                #expect(nodes.count == 1 && nodes[0].version == "3.8.0")
                let disabled = try await client.indicesWithSourceDisabled()
                #expect(disabled == ["raw"] || disabled.isEmpty, "osmem may not keep _source.enabled; never a wrong index")
            }
        }
    }

    @Test func seesThroughTheCompatibilityOverride() async throws {
        try await OsmemServer.with { server in
            try await server.putClusterSetting("compatibility.override_main_response_version", "true")
            try await SearchClient.withClient(server.configuration(role: "target"), logger: logger) { client in
                let info = try await client.info()
                #expect(info.version == ClusterVersion(.opensearch, SemanticVersion(3, 8, 0)))
                #expect(info.compatibilityModeEnabled)
                #expect(info.reportedVersion == "7.10.2")
            }
        }
    }

    @Test func movesToTheNextEndpointWhenOneIsDown() async throws {
        try await OsmemServer.with { server in
            let dead = try FaultyServer.closedPort()
            var configuration = server.configuration(role: "source")
            configuration.endpoints = [URLHelper.url("http://127.0.0.1:\(dead)"), server.url]
            configuration.retries = RetrySettings(maxAttempts: 3, initialBackoff: .milliseconds(10))
            try await SearchClient.withClient(configuration, logger: logger) { client in
                let info = try await client.info()
                #expect(info.version.distribution == .opensearch)
            }
        }
    }
}
