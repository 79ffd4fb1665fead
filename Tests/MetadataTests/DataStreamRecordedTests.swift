import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

@testable import Metadata

/// `tern metadata migrate` of an Elasticsearch 8.15 source with a data stream into OpenSearch 2.19, against recorded
/// exchanges (osmem has no data streams): the source answers as Elasticsearch documents `GET _data_stream`, the target
/// as OpenSearch does, and every request to the target is checked against the OpenSearch API specification.
@Suite struct DataStreamRecordedTests {
    typealias Exchange = RecordedExchangeServer.Exchange

    /// `GET _data_stream` with two streams: one made by the user's template, one by the stack's built-in `logs` template.
    static let streams = """
        {"data_streams":[
        {"name":"logs-web-default","timestamp_field":{"name":"@timestamp"},"indices":[{"index_name":".ds-logs-web-default-2026.12.01-000001","index_uuid":"Gpdiyq8sRuK9WuthvAdFbw"},{"index_name":".ds-logs-web-default-2026.12.02-000002","index_uuid":"_eEfRrFHS9OyhqWntkgHAQ"}],"generation":2,"status":"GREEN","template":"logs-web","hidden":false,"system":false,"allow_custom_routing":false,"replicated":false},
        {"name":"logs-nginx-default","timestamp_field":{"name":"@timestamp"},"indices":[{"index_name":".ds-logs-nginx-default-2026.12.01-000001","index_uuid":"Qm2W0ew3Yv0dvAkLb3h8ZS"}],"generation":1,"status":"GREEN","template":"logs","ilm_policy":"logs","hidden":false,"system":false,"allow_custom_routing":false,"replicated":false}]}
        """

    static let templates = """
        {"index_templates":[
        {"name":"logs-web","index_template":{"index_patterns":["logs-web-*"],"priority":200,"data_stream":{"hidden":false,"allow_custom_routing":false},"template":{"mappings":{"properties":{"@timestamp":{"type":"date"},"message":{"type":"text"}}}},"composed_of":[]}},
        {"name":"logs","index_template":{"index_patterns":["logs-*-*"],"priority":100,"data_stream":{"hidden":false,"allow_custom_routing":false},"composed_of":["logs@mappings","logs@settings"],"_meta":{"description":"default logs template installed by x-pack","managed":true},"allow_auto_create":true}}]}
        """

    static let catIndices = """
        [{"health":"green","status":"open","index":".ds-logs-web-default-2026.12.01-000001","uuid":"Gpdiyq8sRuK9WuthvAdFbw","pri":"1","rep":"0","docs.count":"300","docs.deleted":"0","store.size":"41234","pri.store.size":"41234"},
         {"health":"green","status":"open","index":".ds-logs-web-default-2026.12.02-000002","uuid":"_eEfRrFHS9OyhqWntkgHAQ","pri":"1","rep":"0","docs.count":"200","docs.deleted":"0","store.size":"31234","pri.store.size":"31234"},
         {"health":"green","status":"open","index":".ds-logs-nginx-default-2026.12.01-000001","uuid":"Qm2W0ew3Yv0dvAkLb3h8ZS","pri":"1","rep":"0","docs.count":"10","docs.deleted":"0","store.size":"3234","pri.store.size":"3234"}]
        """

    /// What OpenSearch answers for the stream once created (its own backing index name and generation).
    static let created = """
        {"data_streams":[{"name":"logs-web-default","timestamp_field":{"name":"@timestamp"},"indices":[{"index_name":".ds-logs-web-default-000001","index_uuid":"3kXwYxL5Q0uB1gP2mJd0Ag"}],"generation":1,"status":"GREEN","template":"logs-web"}]}
        """

    static let storedTemplate = """
        {"index_templates":[{"name":"logs-web","index_template":{"index_patterns":["logs-web-*"],"template":{"mappings":{"properties":{"@timestamp":{"type":"date"},"message":{"type":"text"}}}},"composed_of":[],"priority":200,"data_stream":{"timestamp_field":{"name":"@timestamp"}}}}]}
        """

    @Test func aDataStreamIsCreatedFromItsTemplateAndItsBackingIndicesAreNotCopiedAsIndices() async throws {
        let notFound =
            #"{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [logs-web-default]"}],"type":"index_not_found_exception","reason":"no such index [logs-web-default]"},"status":404}"#
        let source = try RecordedExchangeServer(
            [
                Exchange("GET", "/", body: LifecyclePolicyRecordedTests.elasticsearch, times: 0),
                Exchange("GET", "/_data_stream", body: Self.streams, times: 0),
                Exchange("GET", "/_cat/indices?format=json&bytes=b&expand_wildcards=all", body: Self.catIndices, times: 0),
                Exchange("GET", "/_template", body: "{}", times: 0),
                Exchange("GET", "/_index_template", body: Self.templates, times: 0),
                Exchange("GET", "/_component_template", body: #"{"component_templates":[]}"#, times: 0),
                Exchange("GET", "/_ingest/pipeline", body: "{}", times: 0),
                Exchange("GET", "/_ilm/policy", body: "{}", times: 0),
                Exchange("POST", "/_watcher/_query/watches", body: #"{"count":0,"watches":[]}"#, times: 0),
                Exchange("GET", "/_nodes/plugins", body: LifecyclePolicyRecordedTests.plugins("8.15.0"), times: 0),
                Exchange(
                    "GET", "/_all/_settings/index.version.created?flat_settings=true&expand_wildcards=all", body: "{}", times: 0),
            ], specification: nil)
        defer { source.stop() }
        let target = try RecordedExchangeServer([
            Exchange("GET", "/", body: LifecyclePolicyRecordedTests.opensearch, times: 0),
            Exchange("GET", "/_nodes/plugins", body: LifecyclePolicyRecordedTests.plugins("2.19.1"), times: 0),
            Exchange("GET", "/_template", body: "{}", times: 0),
            Exchange("GET", "/_index_template", body: #"{"index_templates":[]}"#, times: 1),
            Exchange("GET", "/_index_template", body: Self.storedTemplate, times: 0),
            Exchange("GET", "/_component_template", body: #"{"component_templates":[]}"#, times: 0),
            Exchange("GET", "/_ingest/pipeline", body: "{}", times: 0),
            Exchange("GET", "/_data_stream/logs-web-default", status: 404, body: notFound, times: 1),
            Exchange("GET", "/_data_stream/logs-nginx-default", status: 404, body: notFound, times: 0),
            Exchange("GET", "/_data_stream/logs-web-default", body: Self.created, times: 0),
            Exchange("PUT", "/_index_template/logs-web", body: #"{"acknowledged":true}"#),
            Exchange("PUT", "/_data_stream/logs-web-default", body: #"{"acknowledged":true}"#),
        ])
        defer { target.stop() }
        let runner = MetadataRunner(
            source: .cluster(source.configuration(role: "source")), target: target.configuration(role: "target"),
            options: MetadataRunOptions(apply: true), logger: Logger(label: "test"))
        let report = try await runner.run()

        // The template first, then the stream, created by name alone.
        let order = try target.requests().filter { $0.method == "PUT" }.map(\.pathOnly)
        #expect(order == ["/_index_template/logs-web", "/_data_stream/logs-web-default"])
        #expect(try target.requests("PUT", "/_data_stream/logs-web-default").first?.body.isEmpty == true)
        let web = try #require(report.items.first { $0.kind == .dataStream && $0.name == "logs-web-default" })
        #expect(web.action == .created && web.differences.isEmpty, "\(web)")
        let template = try #require(report.items.first { $0.kind == .indexTemplate && $0.name == "logs-web" })
        #expect(template.action == .created && template.differences.isEmpty && template.reason == nil, "\(template)")
        // The stream the stack's own template makes cannot be created unless that template comes along.
        let nginx = try #require(report.items.first { $0.kind == .dataStream && $0.name == "logs-nginx-default" })
        #expect(nginx.status == .cannotConvert && nginx.findings.contains { $0.contains("--template") }, "\(nginx)")
        // Backing indices are the streams' business, never indices of their own.
        #expect(!report.items.contains { $0.kind == .index })
        #expect(!report.notConvertible.contains { $0.contains("data stream") })
        let unexpectedOnTarget = try target.unexpected()
        let unexpectedOnSource = try source.unexpected()
        #expect(unexpectedOnTarget.isEmpty, "\(unexpectedOnTarget)")
        #expect(unexpectedOnSource.isEmpty, "\(unexpectedOnSource)")
    }

    @Test func aTargetWithoutDataStreamsSaysSo() {
        let transformer = MetadataTransformer(
            source: ClusterVersion(.elasticsearch, SemanticVersion(7, 17, 0)),
            target: ClusterVersion(.opendistro, SemanticVersion(1, 13, 2)))
        let result = transformer.transform(
            MetadataItem(
                kind: .dataStream, name: "logs-web-default", body: .object(["timestamp_field": .object(["name": .string("@timestamp")])])))
        #expect(result.allFindings.contains { $0.rule == "data-stream.unsupported" && $0.isBlocking })
        let fine = MetadataTransformer(
            source: ClusterVersion(.elasticsearch, SemanticVersion(7, 17, 0)), target: ClusterVersion(.opensearch, SemanticVersion(1, 0, 0))
        )
        #expect(fine.transform(MetadataItem(kind: .dataStream, name: "x", body: .object([:]))).allFindings.isEmpty)
        #expect(
            DataStreamRule.makesStream(
                .object(["index_patterns": .array([.string("logs-*")]), "data_stream": .object([:])]), named: "logs-a"))
        #expect(!DataStreamRule.makesStream(.object(["index_patterns": .array([.string("logs-*")])]), named: "logs-a"))
    }
}
