import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

@testable import Metadata

/// `tern metadata migrate` of an Elasticsearch 8.15 source with ILM policies into OpenSearch 2.19, against recorded
/// exchanges (osmem has no ISM): the source answers as Elasticsearch documents its APIs, the target as OpenSearch's ISM
/// plugin does, and every request to the target is checked against the OpenSearch API specification.
@Suite struct LifecyclePolicyRecordedTests {
    typealias Exchange = RecordedExchangeServer.Exchange

    static let elasticsearch =
        #"{"name":"es-1","cluster_name":"old-logs","cluster_uuid":"kLb3h8ZSQm2W0ew3Yv0dvA","version":{"number":"8.15.0","build_flavor":"default","build_type":"tar","lucene_version":"9.11.1","minimum_wire_compatibility_version":"7.17.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"You Know, for Search"}"#
    static let opensearch =
        #"{"name":"os-1","cluster_name":"new-logs","cluster_uuid":"Qm2W0ew3Yv0dvAkLb3h8ZS","version":{"distribution":"opensearch","number":"2.19.1","build_type":"tar","lucene_version":"9.12.1","minimum_wire_compatibility_version":"7.10.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#

    /// `GET _ilm/policy`: a user policy (rollover, warm, delete), a stack policy, and one waiting for snapshots.
    static let policies = """
        {"logs-policy":{"version":3,"modified_date":"2024-05-01T10:00:00.000Z","policy":{"phases":{"hot":{"min_age":"0ms","actions":{"rollover":{"max_age":"1d","max_primary_shard_size":"50gb"}}},"warm":{"min_age":"7d","actions":{"forcemerge":{"max_num_segments":1}}},"delete":{"min_age":"30d","actions":{"delete":{"delete_searchable_snapshot":true}}}}},"in_use_by":{"indices":[],"data_streams":[],"composable_templates":["logs-app"]}},
         "audit-policy":{"version":1,"modified_date":"2024-05-01T10:00:00.000Z","policy":{"phases":{"hot":{"min_age":"0ms","actions":{"rollover":{"max_age":"7d"}}},"delete":{"min_age":"365d","actions":{"wait_for_snapshot":{"policy":"nightly"},"delete":{}}}}},"in_use_by":{"indices":[],"data_streams":[],"composable_templates":[]}},
         "30-days-default":{"version":1,"modified_date":"2024-05-01T10:00:00.000Z","policy":{"phases":{"delete":{"min_age":"30d","actions":{"delete":{}}}},"_meta":{"managed":true}},"in_use_by":{"indices":[],"data_streams":[],"composable_templates":[]}}}
        """

    static let template =
        #"{"index_templates":[{"name":"logs-app","index_template":{"index_patterns":["logs-app-*"],"priority":200,"template":{"settings":{"index":{"lifecycle":{"name":"logs-policy","rollover_alias":"logs-app"}}}},"composed_of":[]}}]}"#

    /// What ISM stores and answers for the converted policy: the plugin's own fields and action defaults included.
    static let stored = """
        {"_id":"logs-policy","_version":1,"_seq_no":0,"_primary_term":1,"policy":{"policy_id":"logs-policy","description":"Converted by Tern from the Elasticsearch ILM policy logs-policy","last_updated_time":1714557600000,"schema_version":21,"error_notification":null,"default_state":"hot","states":[{"name":"hot","actions":[{"retry":{"count":3,"backoff":"exponential","delay":"1m"},"rollover":{"min_index_age":"1d","min_primary_shard_size":"50gb","copy_alias":false}}],"transitions":[{"state_name":"warm","conditions":{"min_rollover_age":"7d"}}]},{"name":"warm","actions":[{"retry":{"count":3,"backoff":"exponential","delay":"1m"},"force_merge":{"max_num_segments":1}}],"transitions":[{"state_name":"delete","conditions":{"min_rollover_age":"30d"}}]},{"name":"delete","actions":[{"retry":{"count":3,"backoff":"exponential","delay":"1m"},"delete":{}}],"transitions":[]}],"ism_template":[{"index_patterns":["logs-app-*"],"priority":200,"last_updated_time":1714557600000}]}}
        """

    static func plugins(_ version: String) -> String {
        #"{"_nodes":{"total":1,"successful":1,"failed":0},"cluster_name":"c","nodes":{"n1":{"name":"node-1","version":"\#(version)","roles":["data","ingest","master"],"plugins":[]}}}"#
    }

    @Test func ilmPoliciesBecomeISMPoliciesAgainstRecordedExchanges() async throws {
        let source = try RecordedExchangeServer(
            [
                Exchange("GET", "/", body: Self.elasticsearch, times: 0),
                Exchange("GET", "/_cat/indices?format=json&bytes=b&expand_wildcards=all", body: "[]", times: 0),
                Exchange("GET", "/_data_stream", body: #"{"data_streams":[]}"#, times: 0),
                Exchange("GET", "/_template", body: "{}", times: 0),
                Exchange("GET", "/_index_template", body: Self.template, times: 0),
                Exchange("GET", "/_component_template", body: #"{"component_templates":[]}"#, times: 0),
                Exchange("GET", "/_ingest/pipeline", body: "{}", times: 0),
                Exchange("GET", "/_ilm/policy", body: Self.policies, times: 0),
                Exchange(
                    "POST", "/_watcher/_query/watches",
                    body:
                        #"{"count":1,"watches":[{"_id":"cpu-high","watch":{"trigger":{"schedule":{"interval":"1m"}}},"status":{"state":{"active":true}}}]}"#,
                    times: 0),
                Exchange("GET", "/_nodes/plugins", body: Self.plugins("8.15.0"), times: 0),
                Exchange(
                    "GET", "/_all/_settings/index.version.created?flat_settings=true&expand_wildcards=all", body: "{}", times: 0),
            ], specification: nil)
        defer { source.stop() }
        let missing =
            #"{"error":{"root_cause":[{"type":"status_exception","reason":"Policy not found"}],"type":"status_exception","reason":"Policy not found"},"status":404}"#
        let target = try RecordedExchangeServer([
            Exchange("GET", "/", body: Self.opensearch, times: 0),
            Exchange("GET", "/_plugins/_ism/policies", body: #"{"policies":[],"total_policies":0}"#, times: 0),
            Exchange("GET", "/_nodes/plugins", body: Self.plugins("2.19.1"), times: 0),
            Exchange("GET", "/_template", body: "{}", times: 0),
            Exchange("GET", "/_index_template", status: 404, body: #"{"error":"not found","status":404}"#, times: 1),
            Exchange("GET", "/_index_template", body: #"{"index_templates":[]}"#, times: 0),
            Exchange("GET", "/_component_template", body: #"{"component_templates":[]}"#, times: 0),
            Exchange("GET", "/_ingest/pipeline", body: "{}", times: 0),
            Exchange("GET", "/_plugins/_ism/policies/logs-policy", status: 404, body: missing, times: 2),
            Exchange("GET", "/_plugins/_ism/policies/audit-policy", status: 404, body: missing, times: 0),
            Exchange("GET", "/_plugins/_ism/policies/logs-policy", body: Self.stored, times: 0),
            Exchange("PUT", "/_index_template/logs-app", body: #"{"acknowledged":true}"#),
            Exchange("PUT", "/_plugins/_ism/policies/logs-policy", status: 201, body: Self.stored),
        ])
        defer { target.stop() }
        let runner = MetadataRunner(
            source: .cluster(source.configuration(role: "source")), target: target.configuration(role: "target"),
            options: MetadataRunOptions(apply: true), logger: Logger(label: "test"))
        let report = try await runner.run()

        let sent = try #require(try target.requests("PUT", "/_plugins/_ism/policies/logs-policy").first)
        #expect(
            sent.json
                == (try JSONValue.parse(
                    Array(
                        #"{"policy":{"description":"Converted by Tern from the Elasticsearch ILM policy logs-policy","default_state":"hot","states":[{"name":"hot","actions":[{"rollover":{"min_index_age":"1d","min_primary_shard_size":"50gb"}}],"transitions":[{"state_name":"warm","conditions":{"min_rollover_age":"7d"}}]},{"name":"warm","actions":[{"force_merge":{"max_num_segments":1}}],"transitions":[{"state_name":"delete","conditions":{"min_rollover_age":"30d"}}]},{"name":"delete","actions":[{"delete":{}}]}],"ism_template":[{"index_patterns":["logs-app-*"],"priority":200}]}}"#
                            .utf8))))
        let template = try #require(try target.requests("PUT", "/_index_template/logs-app").first)
        #expect(
            template.json?["template"]?["settings"]?["index"]?["plugins"]?["index_state_management"]?["rollover_alias"]
                == .string("logs-app"))
        #expect(template.json?["template"]?["settings"]?["index"]?["lifecycle"] == nil)
        // The template is written before the policy, so ISM does not attach the policy to indices the migration creates.
        let order = try target.requests().filter { $0.method == "PUT" }.map(\.pathOnly)
        #expect(order == ["/_index_template/logs-app", "/_plugins/_ism/policies/logs-policy"])

        let logs = try #require(report.items.first { $0.kind == .ismPolicy && $0.name == "logs-policy" })
        #expect(logs.action == .created && logs.differences.isEmpty, "\(logs)")
        let audit = try #require(report.items.first { $0.kind == .ismPolicy && $0.name == "audit-policy" })
        #expect(audit.status == .cannotConvert && audit.findings.contains { $0.contains("wait_for_snapshot") })
        #expect(!report.items.contains { $0.name == "30-days-default" })
        #expect(report.notConvertible.contains { $0.contains("30-days-default") })
        #expect(report.notConvertible.contains { $0.hasPrefix("Watcher watch cpu-high: OpenSearch has no Watcher") })
        let unexpectedOnTarget = try target.unexpected()
        let unexpectedOnSource = try source.unexpected()
        #expect(unexpectedOnTarget.isEmpty, "\(unexpectedOnTarget)")
        #expect(unexpectedOnSource.isEmpty, "\(unexpectedOnSource)")
    }
}

extension LifecyclePolicyRecordedTests {
    static let opensearch211 =
        #"{"name":"os-old","cluster_name":"old","cluster_uuid":"w0ew3Yv0dvAkLb3h8ZSQm2","version":{"distribution":"opensearch","number":"2.11.1","build_type":"tar","lucene_version":"9.7.0","minimum_wire_compatibility_version":"7.10.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#

    /// `GET _plugins/_ism/policies` of OpenSearch 2.11: its first page (one policy here) of 21, with the fields ISM adds.
    static let listed = """
        {"policies":[{"_id":"hot-delete","_seq_no":4,"_primary_term":1,"policy":{"policy_id":"hot-delete","description":"hot then delete","last_updated_time":1714557600000,"schema_version":19,"error_notification":null,"default_state":"hot","states":[{"name":"hot","actions":[{"retry":{"count":3,"backoff":"exponential","delay":"1m"},"rollover":{"min_size":"30gb","copy_alias":false}}],"transitions":[{"state_name":"delete","conditions":{"min_index_age":"14d"}}]},{"name":"delete","actions":[{"retry":{"count":3,"backoff":"exponential","delay":"1m"},"delete":{}}],"transitions":[]}],"ism_template":[{"index_patterns":["metrics-*"],"priority":10,"last_updated_time":1714557600000}]}}],"total_policies":21}
        """

    static let archive = """
        {"_id":"archive","_version":2,"_seq_no":7,"_primary_term":1,"policy":{"policy_id":"archive","description":"read only after a week","last_updated_time":1714557600000,"schema_version":19,"error_notification":null,"default_state":"open","states":[{"name":"open","actions":[],"transitions":[{"state_name":"frozen","conditions":{"min_index_age":"7d"}}]},{"name":"frozen","actions":[{"retry":{"count":3,"backoff":"exponential","delay":"1m"},"read_only":{}}],"transitions":[]}],"ism_template":null}}
        """

    @Test func anOpenSearchSourcesISMPoliciesAreCopiedAsTheyAreAgainstRecordedExchanges() async throws {
        let source = try RecordedExchangeServer(
            [
                Exchange("GET", "/", body: Self.opensearch211, times: 0),
                Exchange("GET", "/_data_stream", body: #"{"data_streams":[]}"#, times: 0),
                Exchange("GET", "/_cat/indices?format=json&bytes=b&expand_wildcards=all", body: "[]", times: 0),
                Exchange("GET", "/_template", body: "{}", times: 0),
                Exchange("GET", "/_index_template", body: #"{"index_templates":[]}"#, times: 0),
                Exchange("GET", "/_component_template", body: #"{"component_templates":[]}"#, times: 0),
                Exchange("GET", "/_ingest/pipeline", body: "{}", times: 0),
                Exchange("GET", "/_plugins/_ism/policies", body: Self.listed, times: 0),
                Exchange("GET", "/_plugins/_ism/policies/archive", body: Self.archive, times: 0),
                // A minimal distribution without the Alerting plugin: no monitors to read.
                Exchange(
                    "POST", "/_plugins/_alerting/monitors/_search", status: 400,
                    body: #"{"error":"no handler found for uri [/_plugins/_alerting/monitors/_search] and method [POST]"}"#, times: 0),
                Exchange("GET", "/_nodes/plugins", body: Self.plugins("2.11.1"), times: 0),
                Exchange(
                    "GET", "/_all/_settings/index.version.created?flat_settings=true&expand_wildcards=all", body: "{}", times: 0),
            ])
        defer { source.stop() }
        let missing =
            #"{"error":{"root_cause":[{"type":"status_exception","reason":"Policy not found"}],"type":"status_exception","reason":"Policy not found"},"status":404}"#
        let target = try RecordedExchangeServer([
            Exchange("GET", "/", body: Self.opensearch, times: 0),
            Exchange("GET", "/_plugins/_ism/policies", body: #"{"policies":[],"total_policies":0}"#, times: 0),
            Exchange("GET", "/_nodes/plugins", body: Self.plugins("2.19.1"), times: 0),
            Exchange("GET", "/_template", body: "{}", times: 0),
            Exchange("GET", "/_index_template", body: #"{"index_templates":[]}"#, times: 0),
            Exchange("GET", "/_component_template", body: #"{"component_templates":[]}"#, times: 0),
            Exchange("GET", "/_ingest/pipeline", body: "{}", times: 0),
            Exchange("GET", "/_plugins/_ism/policies/hot-delete", status: 404, body: missing, times: 2),
            Exchange("GET", "/_plugins/_ism/policies/archive", status: 404, body: missing, times: 2),
            Exchange(
                "GET", "/_plugins/_ism/policies/hot-delete",
                body: Self.listed.replacingOccurrences(of: "{\"policies\":[", with: "").components(separatedBy: "],\"total_policies\"")[0],
                times: 0),
            Exchange("GET", "/_plugins/_ism/policies/archive", body: Self.archive, times: 0),
            Exchange(
                "PUT", "/_plugins/_ism/policies/hot-delete", status: 201,
                body: #"{"_id":"hot-delete","_version":1,"_seq_no":0,"_primary_term":1}"#),
            Exchange(
                "PUT", "/_plugins/_ism/policies/archive", status: 201,
                body: #"{"_id":"archive","_version":1,"_seq_no":1,"_primary_term":1}"#),
        ])
        defer { target.stop() }
        let runner = MetadataRunner(
            source: .cluster(source.configuration(role: "source")), target: target.configuration(role: "target"),
            options: MetadataRunOptions(templates: ["*", "archive"], apply: true), logger: Logger(label: "test"))
        let report = try await runner.run()

        let sent = try #require(try target.requests("PUT", "/_plugins/_ism/policies/hot-delete").first)
        // As the source has it, without what ISM adds (ids, times, schema version, action retry defaults).
        #expect(
            sent.json
                == (try JSONValue.parse(
                    Array(
                        #"{"policy":{"description":"hot then delete","default_state":"hot","states":[{"name":"hot","actions":[{"rollover":{"min_size":"30gb"}}],"transitions":[{"state_name":"delete","conditions":{"min_index_age":"14d"}}]},{"name":"delete","actions":[{"delete":{}}],"transitions":[]}],"ism_template":[{"index_patterns":["metrics-*"],"priority":10}]}}"#
                            .utf8))),
            "\(sent.json.map { "\($0)" } ?? "")")
        let names = report.items.filter { $0.kind == .ismPolicy }.map { "\($0.name) \($0.action.map { "\($0)" } ?? "-")" }.sorted()
        #expect(names == ["archive created", "hot-delete created"], "\(report.items)")
        #expect(
            report.notConvertible.contains { $0.contains("20 of the source's 21 ISM policies") && $0.contains("--template") },
            "\(report.notConvertible)")
        let unexpectedOnTarget = try target.unexpected()
        #expect(unexpectedOnTarget.isEmpty, "\(unexpectedOnTarget)")
    }
}

extension LifecyclePolicyRecordedTests {
    static let managedIndex = """
        {"logs-app-000001":{"aliases":{"logs-app":{"is_write_index":true}},"mappings":{"properties":{"message":{"type":"text"}}},"settings":{"index":{"lifecycle":{"name":"logs-policy","rollover_alias":"logs-app"},"number_of_shards":"1","number_of_replicas":"0","uuid":"Gpdiyq8sRuK9WuthvAdFbw","creation_date":"1714557600000","provided_name":"logs-app-000001","version":{"created":"8512000"}}}}}
        """

    /// The index before it, rolled over on the source.
    static let rolledIndex = """
        {"logs-app-000000":{"aliases":{"logs-app":{"is_write_index":false}},"mappings":{"properties":{"message":{"type":"text"}}},"settings":{"index":{"lifecycle":{"name":"logs-policy","rollover_alias":"logs-app","indexing_complete":"true"},"number_of_shards":"1","number_of_replicas":"0","uuid":"eEfRrFHS9OyhqWntkgHAQ_","creation_date":"1714471200000","provided_name":"logs-app-000000","version":{"created":"8512000"}}}}}
        """

    static let createdRolledIndex = """
        {"logs-app-000000":{"aliases":{"logs-app":{"is_write_index":false}},"mappings":{"properties":{"message":{"type":"text"}}},"settings":{"index":{"replication":{"type":"DOCUMENT"},"plugins":{"index_state_management":{"rollover_alias":"logs-app","rollover_skip":"true"}},"number_of_shards":"1","number_of_replicas":"0","uuid":"Yv0dvAkLb3h8ZSQm2W0ew3","creation_date":"1733580000000","provided_name":"logs-app-000000","version":{"created":"137237827"}}}}}
        """

    /// What OpenSearch answers for the index once created (the settings it adds itself included).
    static let createdIndex = """
        {"logs-app-000001":{"aliases":{"logs-app":{"is_write_index":true}},"mappings":{"properties":{"message":{"type":"text"}}},"settings":{"index":{"replication":{"type":"DOCUMENT"},"plugins":{"index_state_management":{"rollover_alias":"logs-app"}},"number_of_shards":"1","number_of_replicas":"0","uuid":"3kXwYxL5Q0uB1gP2mJd0Ag","creation_date":"1733580000000","provided_name":"logs-app-000001","version":{"created":"137237827"}}}}}
        """

    @Test func aMigratedIndexIsAttachedToItsConvertedPolicyAgainstRecordedExchanges() async throws {
        let source = try RecordedExchangeServer(
            [
                Exchange("GET", "/", body: Self.elasticsearch, times: 0),
                Exchange("GET", "/_data_stream", body: #"{"data_streams":[]}"#, times: 0),
                Exchange(
                    "GET", "/_cat/indices?format=json&bytes=b&expand_wildcards=all",
                    body:
                        #"[{"health":"green","status":"open","index":"logs-app-000001","uuid":"Gpdiyq8sRuK9WuthvAdFbw","pri":"1","rep":"0","docs.count":"10","docs.deleted":"0","store.size":"4000","pri.store.size":"4000"},{"health":"green","status":"open","index":"logs-app-000000","uuid":"eEfRrFHS9OyhqWntkgHAQ_","pri":"1","rep":"0","docs.count":"10","docs.deleted":"0","store.size":"4000","pri.store.size":"4000"}]"#,
                    times: 0),
                Exchange("GET", "/logs-app-000001", body: Self.managedIndex, times: 0),
                Exchange("GET", "/logs-app-000000", body: Self.rolledIndex, times: 0),
                Exchange("GET", "/_template", body: "{}", times: 0),
                Exchange("GET", "/_index_template", body: Self.template, times: 0),
                Exchange("GET", "/_component_template", body: #"{"component_templates":[]}"#, times: 0),
                Exchange("GET", "/_ingest/pipeline", body: "{}", times: 0),
                Exchange("GET", "/_ilm/policy", body: Self.policies, times: 0),
                Exchange("POST", "/_watcher/_query/watches", body: #"{"count":0,"watches":[]}"#, times: 0),
                Exchange("GET", "/_nodes/plugins", body: Self.plugins("8.15.0"), times: 0),
                Exchange(
                    "GET", "/_all/_settings/index.version.created?flat_settings=true&expand_wildcards=all", body: "{}", times: 0),
            ], specification: nil)
        defer { source.stop() }
        let missing =
            #"{"error":{"root_cause":[{"type":"status_exception","reason":"Policy not found"}],"type":"status_exception","reason":"Policy not found"},"status":404}"#
        let noIndex =
            #"{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [logs-app-000001]"}],"type":"index_not_found_exception","reason":"no such index [logs-app-000001]"},"status":404}"#
        let target = try RecordedExchangeServer([
            Exchange("GET", "/", body: Self.opensearch, times: 0),
            Exchange("GET", "/_plugins/_ism/policies", body: #"{"policies":[],"total_policies":0}"#, times: 0),
            Exchange("GET", "/_nodes/plugins", body: Self.plugins("2.19.1"), times: 0),
            Exchange("GET", "/_template", body: "{}", times: 0),
            Exchange("GET", "/_index_template", body: #"{"index_templates":[]}"#, times: 0),
            Exchange("GET", "/_component_template", body: #"{"component_templates":[]}"#, times: 0),
            Exchange("GET", "/_ingest/pipeline", body: "{}", times: 0),
            Exchange("GET", "/logs-app-000001", status: 404, body: noIndex, times: 1),
            Exchange("GET", "/logs-app-000001", body: Self.createdIndex, times: 0),
            Exchange("GET", "/logs-app-000000", status: 404, body: noIndex.replacingOccurrences(of: "000001", with: "000000"), times: 1),
            Exchange("GET", "/logs-app-000000", body: Self.createdRolledIndex, times: 0),
            Exchange("PUT", "/logs-app-000000", body: #"{"acknowledged":true,"shards_acknowledged":true,"index":"logs-app-000000"}"#),
            Exchange("GET", "/_plugins/_ism/policies/logs-policy-migrated", status: 404, body: missing),
            Exchange(
                "PUT", "/_plugins/_ism/policies/logs-policy-migrated", status: 201,
                body: #"{"_id":"logs-policy-migrated","_version":1,"_seq_no":3,"_primary_term":1}"#),
            Exchange(
                "GET", "/_plugins/_ism/explain/logs-app-000000",
                body:
                    #"{"logs-app-000000":{"index.plugins.index_state_management.policy_id":null,"index.opendistro.index_state_management.policy_id":null,"enabled":null},"total_managed_indices":0}"#
            ),
            Exchange(
                "POST", "/_plugins/_ism/add/logs-app-000000", body: #"{"updated_indices":1,"failures":false,"failed_indices":[]}"#,
                expect: #"{"policy_id":"logs-policy-migrated"}"#),
            Exchange("GET", "/_plugins/_ism/policies/logs-policy", status: 404, body: missing, times: 2),
            Exchange("GET", "/_plugins/_ism/policies/audit-policy", status: 404, body: missing, times: 0),
            Exchange("GET", "/_plugins/_ism/policies/logs-policy", body: Self.stored, times: 0),
            Exchange("PUT", "/_index_template/logs-app", body: #"{"acknowledged":true}"#),
            Exchange("PUT", "/logs-app-000001", body: #"{"acknowledged":true,"shards_acknowledged":true,"index":"logs-app-000001"}"#),
            Exchange("PUT", "/_plugins/_ism/policies/logs-policy", status: 201, body: Self.stored),
            Exchange(
                "GET", "/_plugins/_ism/explain/logs-app-000001",
                body:
                    #"{"logs-app-000001":{"index.plugins.index_state_management.policy_id":null,"index.opendistro.index_state_management.policy_id":null,"enabled":null},"total_managed_indices":0}"#
            ),
            Exchange(
                "POST", "/_plugins/_ism/add/logs-app-000001", body: #"{"updated_indices":1,"failures":false,"failed_indices":[]}"#,
                expect: #"{"policy_id":"logs-policy"}"#),
        ])
        defer { target.stop() }
        var options = MetadataRunOptions(apply: true)
        options.attachPolicies = true
        let runner = MetadataRunner(
            source: .cluster(source.configuration(role: "source")), target: target.configuration(role: "target"), options: options,
            logger: Logger(label: "test"))
        let report = try await runner.run()

        #expect(
            report.attachedPolicies == ["logs-app-000000: logs-policy-migrated", "logs-app-000001: logs-policy"], "\(report.notConvertible)"
        )
        // The copy for the rolled-over index: no rollover, ages from the migration, attached by name only.
        let copy = try #require(try target.requests("PUT", "/_plugins/_ism/policies/logs-policy-migrated").first?.json)
        #expect(copy["policy"]?["ism_template"] == nil)
        #expect(copy["policy"]?["states"]?[0]?["actions"] == .array([]))
        #expect(copy["policy"]?["states"]?[0]?["transitions"]?[0]?["conditions"] == .object(["min_index_age": .string("7d")]))
        let index = try #require(report.items.first { $0.kind == .index && $0.name == "logs-app-000001" })
        #expect(index.action == .created && index.differences.isEmpty, "\(index)")
        // The policy before the attachment, the index before the policy.
        let order = try target.requests().filter { $0.method != "GET" }.map { "\($0.method) \($0.pathOnly)" }
        #expect(
            order == [
                "PUT /_index_template/logs-app", "PUT /logs-app-000000", "PUT /logs-app-000001", "PUT /_plugins/_ism/policies/logs-policy",
                "PUT /_plugins/_ism/policies/logs-policy-migrated", "POST /_plugins/_ism/add/logs-app-000000",
                "POST /_plugins/_ism/add/logs-app-000001",
            ], "\(order)")
        let unexpectedOnTarget = try target.unexpected()
        #expect(unexpectedOnTarget.isEmpty, "\(unexpectedOnTarget)")
    }
}
