import Foundation
import TernCore
import Testing

@testable import Upgrade

/// Compose rewriting against golden outputs: realistic files, every byte outside the changed values kept.
/// Set TERN_UPDATE_GOLDEN=1 to rewrite the golden files (then review them). The files live in `.fixtures/` because SwiftPM
/// skips hidden folders; a visible folder inside the test target would warn about unhandled files (Package.swift would need
/// `exclude:` for it).
@Suite struct ComposeRewriterTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(".fixtures/compose")

    func fixture(_ name: String) throws -> String {
        try String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    /// Compares with the golden file, or writes it when asked to.
    func golden(_ actual: String, _ name: String) throws {
        let url = Self.fixtures.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["TERN_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(actual == (try String(contentsOf: url, encoding: .utf8)), "golden \(name) differs")
    }

    func rewrite(_ name: String, to version: String) throws -> ComposeRewrite {
        try ComposeRewriter().rewrite(try fixture(name), to: SemanticVersion(version)!, file: name)
    }

    func refusal(_ text: String, to version: String) -> String {
        do {
            _ = try ComposeRewriter().rewrite(text, to: SemanticVersion(version)!, file: "docker-compose.yml")
            Issue.record("accepted")
            return ""
        } catch let error as TernError {
            #expect(error.kind == .upgradeRefused)
            return error.message
        } catch {
            Issue.record("unexpected \(error)")
            return ""
        }
    }

    /// Lines that differ between the two texts (same line count expected unless lines were added).
    func changedLines(_ rewrite: ComposeRewrite) -> [String] {
        rewrite.diff(name: "f").split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }.map { String($0.dropFirst()) }
    }

    @Test func singleNodeOpenSearch13To219KeepsCommentsQuotesAndAnchors() throws {
        let result = try rewrite("opensearch-1.3-single-node.yml", to: "2.19.1")
        try golden(result.text, "opensearch-1.3-single-node.2.19.1.yml")
        try golden(result.diff(name: "docker-compose.yml"), "opensearch-1.3-single-node.2.19.1.diff")
        #expect(result.from == ClusterVersion(.opensearch, SemanticVersion(1, 3, 19)))
        #expect(
            changedLines(result) == [
                #"    image: "opensearchproject/opensearch:2.19.1"  # keep in step with search-api's client"#,
                #"      # compatibility.override_main_response_version: "true"  # old elasticsearch-py in search-api  # removed by tern upgrade: OpenSearch 2.0 removed this setting"#,
            ])
        #expect(result.notes.isEmpty, "\(result.notes)")
    }

    @Test func multiNodeOpenSearch2WithDashboardsMovesEveryImage() throws {
        let result = try rewrite("opensearch-2-cluster-with-dashboards.yml", to: "2.19.1")
        try golden(result.text, "opensearch-2-cluster-with-dashboards.2.19.1.yml")
        #expect(changedLines(result).count == 3)
        #expect(result.text.components(separatedBy: "opensearchproject/opensearch:2.19.1").count == 3)
        #expect(result.text.contains("opensearchproject/opensearch-dashboards:2.19.1 # Make sure the version"))
        #expect(result.notes.contains { $0.contains("service opensearch-node1: cluster.initial_master_nodes still works") })
        #expect(result.notes.contains { $0.contains("OPENSEARCH_INITIAL_ADMIN_PASSWORD") })
        // Lines outside the three images are byte-identical.
        let before = try fixture("opensearch-2-cluster-with-dashboards.yml").split(separator: "\n", omittingEmptySubsequences: false)
        let after = result.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(before.count == after.count)
        #expect(zip(before, after).filter { $0 != $1 }.allSatisfy { $0.0.contains("image:") })
    }

    @Test func elasticsearchOSS7102WithKibanaOSSBecomesOpenSearch13() throws {
        let result = try rewrite("elasticsearch-oss-7.10-with-kibana.yml", to: "1.3.20")
        try golden(result.text, "elasticsearch-oss-7.10-with-kibana.1.3.20.yml")
        try golden(result.notes.joined(separator: "\n") + "\n", "elasticsearch-oss-7.10-with-kibana.1.3.20.notes.txt")
        let text = result.text
        #expect(result.from == ClusterVersion(.elasticsearchOSS, SemanticVersion(7, 10, 2)))
        #expect(text.components(separatedBy: "image: opensearchproject/opensearch:1.3.20\n").count == 3)
        #expect(text.contains("image: opensearchproject/opensearch-dashboards:1.3.20\n"))
        #expect(text.contains(#"- "OPENSEARCH_JAVA_OPTS=-Xms512m -Xmx512m""#) && !text.contains("ES_JAVA_OPTS"))
        #expect(text.contains("- data01:/usr/share/opensearch/data"))
        #expect(text.contains("./config/elasticsearch.yml:/usr/share/opensearch/config/opensearch.yml:ro"))
        #expect(text.contains("      - plugins.security.disabled=true\n      - DISABLE_INSTALL_DEMO_CONFIG=true\n"))
        #expect(text.contains(#"      OPENSEARCH_HOSTS: '["http://es01:9200","http://es02:9200"]'"#))
        #expect(text.contains("      # ELASTICSEARCH_URL: http://es01:9200  # removed by tern upgrade: OPENSEARCH_HOSTS carries the hosts"))
        #expect(text.contains("      DISABLE_SECURITY_DASHBOARDS_PLUGIN: \"true\"\n"))
        #expect(text.contains("      - cluster.initial_master_nodes=es01,es02\n"), "kept: OpenSearch 1.x reads it")
        #expect(text.contains("  # Kibana OSS: dashboards for the ops team\n"))
    }

    @Test func refusesDowngradesSkippedMajorsAndUnreadableVersions() throws {
        let single = try fixture("opensearch-1.3-single-node.yml")
        #expect(refusal(single, to: "1.2.4").contains("OpenSearch 1.2.4 is older than OpenSearch 1.3.19"))
        #expect(
            refusal(single, to: "3.0.0").contains("skips a major")
                && refusal(single, to: "3.0.0").contains("docker-compose.yml is unchanged"))
        let elasticsearch = try fixture("elasticsearch-oss-7.10-with-kibana.yml")
        #expect(refusal(elasticsearch, to: "2.19.1").contains("only OpenSearch 1.x upgrades from Elasticsearch OSS 6.8.0-7.10.2"))
        #expect(
            refusal("services:\n  os:\n    image: opensearchproject/opensearch:latest\n", to: "2.19.1").contains(
                "whose version Tern cannot tell"))
        #expect(
            refusal("services:\n  os:\n    image: opensearchproject/opensearch:${OS_VERSION}\n", to: "2.19.1").contains(
                "the tag comes from ${OS_VERSION} without a default"))
        #expect(
            refusal(
                "services:\n  a:\n    image: opensearchproject/opensearch:2.11.0\n  b:\n    image: opensearchproject/opensearch:2.13.0\n",
                to: "2.19.1"
            )
            .contains("several engine versions (opensearch:2.11.0, opensearch:2.13.0)"))
        #expect(
            refusal("services:\n  web:\n    image: nginx:1.27\n", to: "2.19.1").contains(
                "has no OpenSearch, Elasticsearch OSS or Open Distro image"))
        #expect(
            refusal(
                "services:\n  os:\n    image: opensearchproject/opensearch:2.11.0\n  osd:\n    image: opensearchproject/opensearch-dashboards:2.17.0\n",
                to: "2.13.0"
            )
            .contains("already runs opensearchproject/opensearch-dashboards:2.17.0, newer than 2.13.0"))
    }

    @Test func variableTagsCRLFAndTheTargetVersionItself() throws {
        let crlf = "services:\r\n  os:\r\n    image: opensearchproject/opensearch:${OS_VERSION:-2.11.0} # pinned\r\n"
        let result = try ComposeRewriter().rewrite(crlf, to: SemanticVersion(2, 19, 1), file: "c.yml")
        #expect(result.text == "services:\r\n  os:\r\n    image: opensearchproject/opensearch:${OS_VERSION:-2.19.1} # pinned\r\n")
        #expect(result.notes.contains { $0.contains("if .env sets OS_VERSION, set it to 2.19.1 there too") })
        let same = try ComposeRewriter().rewrite(
            "services:\n  os:\n    image: opensearchproject/opensearch:2.19.1\n", to: SemanticVersion(2, 19, 1), file: "c.yml")
        #expect(same.isUnchanged && same.diff(name: "c.yml").isEmpty)
    }

    @Test func imageReferencesAreParsedWithRegistriesPortsDigestsAndVariables() {
        let local = ComposeImage(parsing: "localhost:5000/opensearchproject/opensearch:2.11.0@sha256:abc")
        #expect(local.repository == "localhost:5000/opensearchproject/opensearch" && local.tag == "2.11.0" && local.digest == "@sha256:abc")
        #expect(local.product == .opensearch)
        #expect(
            ComposeImage(parsing: "docker.elastic.co/elasticsearch/elasticsearch-oss:6.8.23").clusterVersion?.description
                == "elasticsearch-oss:6.8.23")
        #expect(ComposeImage(parsing: "amazon/opendistro-for-elasticsearch:1.13.2").clusterVersion?.version == SemanticVersion(7, 10, 2))
        #expect(ComposeImage(parsing: "docker.elastic.co/kibana/kibana-oss:7.10.2").product == .kibanaOSS)
        #expect(ComposeImage(parsing: "opensearchproject/opensearch:${V:-1.3.19}").taggedVersion == SemanticVersion(1, 3, 19))
        #expect(ComposeImage(parsing: "bitnami/opensearch:2.11.0").product == nil)
    }
}
