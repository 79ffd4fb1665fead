import TernCore
import Testing

@testable import SearchClient

/// Detection from recorded `GET /` and `_nodes` answers of products no test server here can run
/// (Elasticsearch 6/7/8, Open Distro, Amazon OpenSearch Service).
@Suite struct VersionDetectorRecordedTests {
    func detect(_ root: String, nodes: String? = nil, header: String? = nil, host: String = "localhost") throws -> ClusterInfo? {
        VersionDetector.detect(
            VersionDetector.Evidence(
                root: try JSONValue.parse(Array(root.utf8)), elasticProductHeader: header,
                nodes: try nodes.map { try JSONValue.parse(Array($0.utf8)) }, host: host))
    }

    @Test func elasticsearchOSS68() throws {
        let info = try detect(
            #"{"name":"n1","cluster_name":"logs","cluster_uuid":"u1","version":{"number":"6.8.23","build_flavor":"oss","build_type":"tar","lucene_version":"7.7.3"},"tagline":"You Know, for Search"}"#
        )
        #expect(info?.version == ClusterVersion(.elasticsearchOSS, SemanticVersion(6, 8, 23)))
        #expect(info?.clusterUUID == "u1")
    }

    @Test func elasticsearchDefault7() throws {
        let info = try detect(
            #"{"name":"n1","cluster_name":"c","version":{"number":"7.10.2","build_flavor":"default","lucene_version":"8.7.0"},"tagline":"You Know, for Search"}"#
        )
        #expect(info?.version.distribution == .elasticsearch)
        #expect(info?.compatibilityModeEnabled == false)
    }

    @Test func elasticsearch8WithProductHeader() throws {
        let info = try detect(
            #"{"name":"n1","cluster_name":"c","version":{"number":"8.15.0","build_flavor":"default"},"tagline":"You Know, for Search"}"#,
            header: "Elasticsearch")
        #expect(info?.version == ClusterVersion(.elasticsearch, SemanticVersion(8, 15, 0)))
    }

    @Test func elasticsearch5BeforeBuildFlavours() throws {
        let root =
            #"{"name":"n1","cluster_name":"c","version":{"number":"5.6.16","lucene_version":"6.6.1"},"tagline":"You Know, for Search"}"#
        #expect(try detect(root)?.version.distribution == .elasticsearchOSS)
        let withXPack = #"{"nodes":{"a":{"name":"n1","version":"5.6.16","plugins":[{"name":"x-pack"}]}}}"#
        #expect(try detect(root, nodes: withXPack)?.version.distribution == .elasticsearch)
    }

    @Test func openDistroByItsPlugins() throws {
        let root = #"{"name":"n1","cluster_name":"c","version":{"number":"7.10.2","build_flavor":"oss"},"tagline":"You Know, for Search"}"#
        let nodes =
            #"{"nodes":{"a":{"name":"n1","version":"7.10.2","roles":["data","master"],"plugins":[{"name":"opendistro_security"},{"name":"opendistro-job-scheduler"}]}}}"#
        #expect(try detect(root, nodes: nodes)?.version.distribution == .opendistro)
    }

    @Test func openSearchByDistributionOrTagline() throws {
        let info = try detect(
            #"{"name":"n","cluster_name":"c","version":{"distribution":"opensearch","number":"2.19.1"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#
        )
        #expect(info?.version == ClusterVersion(.opensearch, SemanticVersion(2, 19, 1)))
        // OpenSearch 1.x with the compatibility override keeps its tagline while it reports 7.10.2.
        let override = try detect(
            #"{"name":"n","cluster_name":"c","version":{"number":"7.10.2","build_type":"tar"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#,
            nodes: #"{"nodes":{"a":{"name":"n","version":"1.3.14","roles":["data","master"]}}}"#)
        #expect(override?.version.distribution == .opensearch)
    }

    @Test func amazonOpenSearchServiceByHost() throws {
        let info = try detect(
            #"{"name":"x","cluster_name":"123456789012:logs","version":{"distribution":"opensearch","number":"2.17.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#,
            host: "search-logs-abc.us-east-1.es.amazonaws.com")
        #expect(info?.hosting == .amazonOpenSearchService)
        #expect(Hosting(host: "abc.us-east-1.aoss.amazonaws.com") == .amazonOpenSearchServerless)
    }

    @Test func notASearchCluster() throws {
        #expect(try detect(#"{"status":"ok"}"#) == nil)
        #expect(try detect(#"{"version":{"number":"banana"},"cluster_name":"c"}"#) == nil)
    }
}
