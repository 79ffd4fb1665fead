import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

@testable import Metadata

/// `tern metadata migrate` of an OpenSearch 2.19 source's alerting monitors and notification channels, against recorded
/// exchanges (osmem has neither plugin): the clusters answer as the Alerting and Notifications plugins do, and every
/// request is checked against the OpenSearch API specification (Notifications) and its supplement (Alerting).
@Suite struct AlertingRecordedTests {
    typealias Exchange = RecordedExchangeServer.Exchange

    static let opensearch =
        #"{"name":"os-1","cluster_name":"c","cluster_uuid":"Qm2W0ew3Yv0dvAkLb3h8ZS","version":{"distribution":"opensearch","number":"2.19.1","build_type":"tar","lucene_version":"9.12.1","minimum_wire_compatibility_version":"7.10.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#

    static let slackSecret = "https://hooks.slack.com/services/T000/B000/XXXXSECRET"

    /// A monitor as the plugin stores it; `extra` replaces its fields.
    static func monitor(_ name: String, enabled: Bool, destination: String, type: String = "query_level_monitor") -> String {
        #"{"type":"monitor","schema_version":8,"name":"\#(name)","monitor_type":"\#(type)","user":{"name":"admin","backend_roles":[],"roles":["all_access"],"custom_attribute_names":[],"user_requested_tenant":null},"enabled":\#(enabled),"enabled_time":\#(enabled ? "1714557600000" : "null"),"schedule":{"period":{"interval":5,"unit":"MINUTES"}},"inputs":[{"search":{"indices":["logs-*"],"query":{"size":0,"query":{"match":{"level":"error"}}}}}],"triggers":[{"query_level_trigger":{"id":"trg-\#(name)","name":"fires","severity":"1","condition":{"script":{"source":"ctx.results[0].hits.total.value > 100","lang":"painless"}},"actions":[{"id":"act-\#(name)","name":"notify","destination_id":"\#(destination)","message_template":{"source":"{{ctx.monitor.name}} fired","lang":"mustache"},"throttle_enabled":false,"subject_template":{"source":"alert","lang":"mustache"}}]}}],"last_update_time":1714557600000,"data_sources":{"query_index":".opensearch-alerting-queries","findings_index":".opensearch-alerting-finding-history-write","findings_enabled":false,"alerts_index":".opendistro-alerting-alerts","alerts_history_index":".opendistro-alerting-alert-history-write","alerts_history_index_pattern":"<.opendistro-alerting-alert-history-{now/d}-1>","query_index_mappings_by_type":{},"fields_by_index":{}},"owner":"alerting"}"#
    }

    /// `POST _plugins/_alerting/monitors/_search`: hits over the config index, which also holds a workflow.
    static func search(_ hits: [(id: String, source: String)]) -> String {
        let listed = hits.map {
            #"{"_index":".opendistro-alerting-config","_id":"\#($0.id)","_version":1,"_seq_no":1,"_primary_term":1,"_score":1.0,"_source":\#($0.source)}"#
        }
        return
            #"{"took":2,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":\#(hits.count),"relation":"eq"},"max_score":1.0,"hits":[\#(listed.joined(separator: ","))]}}"#
    }

    static let sourceMonitors = search([
        ("mon-disk", monitor("disk-errors", enabled: true, destination: "slack-ops")),
        ("mon-orders", monitor("orders-drop", enabled: false, destination: "email-oncall")),
        ("mon-cpu", monitor("cpu-high", enabled: true, destination: "gone-channel", type: "cluster_metrics_monitor")),
        ("wf-1", #"{"type":"workflow","schema_version":8,"name":"chain","workflow_type":"composite","enabled":false}"#),
    ])

    static let channels = """
        {"start_index":0,"total_hits":3,"total_hit_relation":"eq","config_list":[\
        {"config_id":"slack-ops","last_updated_time_ms":1714557600000,"created_time_ms":1714557600000,"config":{"name":"ops channel","description":"","config_type":"slack","is_enabled":true,"slack":{"url":"\(slackSecret)"}}},\
        {"config_id":"email-oncall","last_updated_time_ms":1714557600000,"created_time_ms":1714557600000,"config":{"name":"on-call mail","description":"","config_type":"email","is_enabled":true,"email":{"email_account_id":"smtp-main","recipient_list":[{"recipient":"oncall@example.com"}],"email_group_id_list":[]}}},\
        {"config_id":"smtp-main","last_updated_time_ms":1714557600000,"created_time_ms":1714557600000,"config":{"name":"smtp","description":"","config_type":"smtp_account","is_enabled":true,"smtp_account":{"host":"smtp.example.com","port":587,"method":"start_tls","from_address":"alerts@example.com"}}}]}
        """

    static let missingConfigIndex =
        #"{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [.opendistro-alerting-config]"}],"type":"index_not_found_exception","reason":"no such index [.opendistro-alerting-config]"},"status":404}"#

    static func sourceServer() throws -> RecordedExchangeServer {
        try RecordedExchangeServer([
            Exchange("GET", "/", body: opensearch, times: 0),
            Exchange("GET", "/_data_stream", body: #"{"data_streams":[]}"#, times: 0),
            Exchange("GET", "/_cat/indices?format=json&bytes=b&expand_wildcards=all", body: "[]", times: 0),
            Exchange("GET", "/_template", body: "{}", times: 0),
            Exchange("GET", "/_index_template", body: #"{"index_templates":[]}"#, times: 0),
            Exchange("GET", "/_component_template", body: #"{"component_templates":[]}"#, times: 0),
            Exchange("GET", "/_ingest/pipeline", body: "{}", times: 0),
            Exchange("GET", "/_plugins/_ism/policies", body: #"{"policies":[],"total_policies":0}"#, times: 0),
            Exchange("POST", "/_plugins/_alerting/monitors/_search", body: sourceMonitors, times: 0),
            Exchange("GET", "/_plugins/_notifications/configs", body: channels, times: 0),
            Exchange("GET", "/_nodes/plugins", body: LifecyclePolicyRecordedTests.plugins("2.19.1"), times: 0),
            Exchange("GET", "/_all/_settings/index.version.created?flat_settings=true&expand_wildcards=all", body: "{}", times: 0),
        ])
    }

    /// The target's answers common to every phase.
    static let targetBasics = [
        Exchange("GET", "/", body: opensearch, times: 0),
        Exchange("GET", "/_nodes/plugins", body: LifecyclePolicyRecordedTests.plugins("2.19.1"), times: 0),
        Exchange("GET", "/_template", body: "{}", times: 0),
        Exchange("GET", "/_index_template", body: #"{"index_templates":[]}"#, times: 0),
        Exchange("GET", "/_component_template", body: #"{"component_templates":[]}"#, times: 0),
        Exchange("GET", "/_ingest/pipeline", body: "{}", times: 0),
    ]

    /// What the target answers once everything is there: the monitors as the plugin stored them (disabled, with its
    /// own ids, user and times), the channels with their times.
    static let targetMonitorsAfter = search([
        ("t-disk", monitor("disk-errors", enabled: false, destination: "slack-ops")),
        ("t-orders", monitor("orders-drop", enabled: false, destination: "email-oncall")),
        ("t-cpu", monitor("cpu-high", enabled: false, destination: "gone-channel", type: "cluster_metrics_monitor")),
    ])

    func migrate(_ target: RecordedExchangeServer, source: RecordedExchangeServer) async throws -> MetadataReport {
        try await MetadataRunner(
            source: .cluster(source.configuration(role: "source")), target: target.configuration(role: "target"),
            options: MetadataRunOptions(apply: true), logger: Logger(label: "test")
        ).run()
    }

    @Test func monitorsAndChannelsAreCreatedDisabledReadBackAndARerunChangesNothingAgainstRecordedExchanges() async throws {
        let source = try Self.sourceServer()
        defer { source.stop() }
        let target = try RecordedExchangeServer(
            Self.targetBasics + [
                Exchange("POST", "/_plugins/_alerting/monitors/_search", status: 404, body: Self.missingConfigIndex),
                Exchange("POST", "/_plugins/_alerting/monitors/_search", body: Self.targetMonitorsAfter, times: 0),
                Exchange(
                    "GET", "/_plugins/_notifications/configs",
                    body: #"{"start_index":0,"total_hits":0,"total_hit_relation":"eq","config_list":[]}"#),
                Exchange("GET", "/_plugins/_notifications/configs", body: Self.channels, times: 0),
                Exchange("POST", "/_plugins/_notifications/configs", body: #"{"config_id":"created"}"#, times: 3),
                Exchange(
                    "POST", "/_plugins/_alerting/monitors", status: 201, body: #"{"_id":"new","_version":1,"_seq_no":0,"_primary_term":1}"#,
                    times: 3),
            ])
        defer { target.stop() }
        let report = try await migrate(target, source: source)

        // Channels first, with their ids (monitors' actions name them), then the monitors, each disabled.
        let writes = try target.requests().filter { $0.method == "POST" && !$0.pathOnly.hasSuffix("_search") }
        #expect(
            writes.map { "\($0.pathOnly) \($0.json?["config_id"]?.stringValue ?? $0.json?["name"]?.stringValue ?? "")" } == [
                "/_plugins/_notifications/configs email-oncall", "/_plugins/_notifications/configs slack-ops",
                "/_plugins/_notifications/configs smtp-main", "/_plugins/_alerting/monitors cpu-high",
                "/_plugins/_alerting/monitors disk-errors", "/_plugins/_alerting/monitors orders-drop",
            ])
        for monitor in writes.filter({ $0.pathOnly == "/_plugins/_alerting/monitors" }) {
            #expect(monitor.json?["enabled"] == .bool(false))
            for field in ["user", "enabled_time", "last_update_time", "schema_version"] { #expect(monitor.json?[field] == nil) }
        }
        let slack = try #require(writes.first { $0.json?["config_id"] == .string("slack-ops") })
        #expect(slack.json?["config"]?["slack"]?["url"] == .string(Self.slackSecret))

        let monitors = report.items.filter { $0.kind == .alertingMonitor }
        #expect(monitors.map(\.name) == ["cpu-high", "disk-errors", "orders-drop"], "the workflow is not a monitor")
        #expect(monitors.allSatisfy { $0.action == .created && $0.differences.isEmpty && $0.reason == nil }, "\(monitors)")
        let cpu = try #require(monitors.first { $0.name == "cpu-high" })
        #expect(cpu.findings.contains { $0.contains("gone-channel") }, "\(cpu.findings)")
        let smtp = try #require(report.items.first { $0.name == "smtp-main" })
        #expect(smtp.findings.contains { $0.contains("keystore") })
        #expect(report.ok)
        // The webhook token is sent to the target, never shown.
        let printed = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(!printed.contains("XXXXSECRET"))

        let unexpected = try target.unexpected() + source.unexpected()
        #expect(unexpected.isEmpty, "\(unexpected)")

        // Run again against a target that has it all (and where the cutover enabled one monitor): nothing is written.
        let again = try RecordedExchangeServer(
            Self.targetBasics + [
                Exchange(
                    "POST", "/_plugins/_alerting/monitors/_search",
                    body: Self.targetMonitorsAfter.replacingOccurrences(
                        of: #""enabled":false,"enabled_time":null,"schedule""#,
                        with: #""enabled":true,"enabled_time":1714557600000,"schedule""#),
                    times: 0),
                Exchange("GET", "/_plugins/_notifications/configs", body: Self.channels, times: 0),
            ])
        defer { again.stop() }
        let rerun = try await migrate(again, source: source)
        let statuses = Set(rerun.items.filter { $0.kind == .alertingMonitor || $0.kind == .notificationChannel }.map { "\($0.status)" })
        #expect(statuses == ["identical"], "\(rerun.items.map { "\($0.name) \($0.status) \($0.differences)" })")
        #expect(try again.requests().allSatisfy { $0.method == "GET" || $0.pathOnly.hasSuffix("_search") })
        #expect(try again.unexpected().isEmpty)
    }

    @Test func aTargetWithoutTheAlertingPluginRefusesMonitorsByNameAgainstRecordedExchanges() async throws {
        let source = try Self.sourceServer()
        defer { source.stop() }
        let noHandler = #"{"error":"no handler found for uri [/_plugins/_alerting/monitors/_search] and method [POST]"}"#
        let target = try RecordedExchangeServer(
            Self.targetBasics + [
                Exchange("POST", "/_plugins/_alerting/monitors/_search", status: 400, body: noHandler, times: 0),
                Exchange("GET", "/_plugins/_notifications/configs", body: Self.channels, times: 0),
            ])
        defer { target.stop() }
        let report = try await migrate(target, source: source)
        let monitors = report.items.filter { $0.kind == .alertingMonitor }
        #expect(monitors.count == 3 && monitors.allSatisfy { $0.status == .cannotConvert })
        #expect(monitors.first?.findings.first?.contains("no Alerting plugin") == true)
        #expect(!report.ok)
        #expect(try target.requests().allSatisfy { $0.method == "GET" || $0.pathOnly.hasSuffix("_search") })
    }
}

extension AlertingRecordedTests {
    static let openDistro =
        #"{"name":"odfe-1","cluster_name":"old","cluster_uuid":"dvAkLb3h8ZSQm2W0ew3Yv0","version":{"number":"7.10.2","build_flavor":"oss","build_type":"tar","lucene_version":"8.7.0","minimum_wire_compatibility_version":"6.8.0","minimum_index_compatibility_version":"6.0.0-beta1"},"tagline":"You Know, for Search"}"#

    static let odfePlugins =
        #"{"_nodes":{"total":1,"successful":1,"failed":0},"cluster_name":"old","nodes":{"n1":{"name":"node-1","version":"7.10.2","roles":["data","ingest","master"],"plugins":[{"name":"opendistro-alerting","version":"1.13.1.0"},{"name":"opendistro-job-scheduler","version":"1.13.0.0"}]}}}"#

    /// `GET _opendistro/_alerting/destinations`: a Slack one, a webhook with credentials, an email one.
    static let destinations = """
        {"totalDestinations":3,"destinations":[\
        {"id":"d-slack","type":"slack","name":"ops","schema_version":3,"seq_no":0,"primary_term":1,"last_update_time":1714557600000,"slack":{"url":"\(slackSecret)"}},\
        {"id":"d-hook","type":"custom_webhook","name":"pager","schema_version":3,"seq_no":1,"primary_term":1,"last_update_time":1714557600000,"custom_webhook":{"url":null,"scheme":"https","host":"pager.example.com","port":443,"path":"/hook","method":"POST","query_params":{},"header_params":{},"username":"bot","password":"hunter2"}},\
        {"id":"d-mail","type":"email","name":"mail","schema_version":3,"seq_no":2,"primary_term":1,"last_update_time":1714557600000,"email":{"email_account_id":"acc","recipients":[{"type":"email","email":"a@example.com"}]}}]}
        """

    @Test func anOpenDistroSourcesDestinationsBecomeChannelsWithTheirIDsAgainstRecordedExchanges() async throws {
        let source = try RecordedExchangeServer([
            Exchange("GET", "/", body: Self.openDistro, times: 0),
            Exchange("GET", "/_nodes/plugins", body: Self.odfePlugins, times: 0),
            Exchange(
                "GET", "/_data_stream", status: 400, body: #"{"error":"no handler found for uri [/_data_stream] and method [GET]"}"#,
                times: 0),
            Exchange("GET", "/_cat/indices?format=json&bytes=b&expand_wildcards=all", body: "[]", times: 0),
            Exchange("GET", "/_template", body: "{}", times: 0),
            Exchange("GET", "/_index_template", body: #"{"index_templates":[]}"#, times: 0),
            Exchange("GET", "/_component_template", body: #"{"component_templates":[]}"#, times: 0),
            Exchange("GET", "/_ingest/pipeline", body: "{}", times: 0),
            Exchange("GET", "/_opendistro/_ism/policies", status: 400, body: #"{"error":"no handler"}"#, times: 0),
            Exchange(
                "POST", "/_opendistro/_alerting/monitors/_search",
                body: Self.search([("m-1", Self.monitor("disk-errors", enabled: true, destination: "d-mail"))]), times: 0),
            Exchange("GET", "/_opendistro/_alerting/destinations?size=1000", body: Self.destinations, times: 0),
            Exchange("GET", "/_all/_settings/index.version.created?flat_settings=true&expand_wildcards=all", body: "{}", times: 0),
        ])
        defer { source.stop() }
        let target = try RecordedExchangeServer(
            Self.targetBasics + [
                Exchange("POST", "/_plugins/_alerting/monitors/_search", status: 404, body: Self.missingConfigIndex, times: 0),
                Exchange(
                    "GET", "/_plugins/_notifications/configs",
                    body: #"{"start_index":0,"total_hits":0,"total_hit_relation":"eq","config_list":[]}"#, times: 0),
            ])
        defer { target.stop() }
        let report = try await MetadataRunner(
            source: .cluster(source.configuration(role: "source")), target: target.configuration(role: "target"),
            options: MetadataRunOptions(apply: false), logger: Logger(label: "test")
        ).run()
        let channels = Dictionary(uniqueKeysWithValues: report.items.filter { $0.kind == .notificationChannel }.map { ($0.name, $0) })
        #expect(channels["d-slack"]?.status == .create)
        #expect(channels["d-slack"]?.transformations.contains { $0.contains("slack channel with the same id") } == true)
        #expect(channels["d-hook"]?.status == .create)
        #expect(channels["d-hook"]?.transformations.contains { $0.contains("Authorization header") } == true)
        #expect(channels["d-mail"]?.status == .cannotConvert)
        let monitor = try #require(report.items.first { $0.kind == .alertingMonitor })
        #expect(monitor.status == .create)
        #expect(monitor.findings.contains { $0.contains("d-mail") }, "its email destination could not be converted")
        let printed = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(!printed.contains("XXXXSECRET") && !printed.contains("hunter2"))
        let unexpected = try target.unexpected() + source.unexpected()
        #expect(unexpected.isEmpty, "\(unexpected)")
    }
}
