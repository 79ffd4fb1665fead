import Foundation
import Logging
import TernCore
import Testing

@testable import Metadata

/// Monitors and channels item by item, without a cluster: what the rule changes, converts and refuses.
@Suite struct AlertingRuleTests {
    static let os219 = ClusterVersion(.opensearch, SemanticVersion(2, 19, 1))
    static let os13 = ClusterVersion(.opensearch, SemanticVersion(1, 3, 19))
    static let odfe = ClusterVersion(.opendistro, SemanticVersion(7, 10, 2))

    static func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    func transform(_ item: MetadataItem, from source: ClusterVersion = os219, to target: ClusterVersion = os219) -> TransformedItem {
        MetadataTransformer(source: source, target: target).transform(item).items[0]
    }

    @Test func aMonitorIsCarriedAsItIsAndSaysItsScheduleIsDisabledUntilTheCutover() throws {
        let monitor = try Self.json(
            #"{"type":"monitor","name":"disk","monitor_type":"query_level_monitor","schedule":{"period":{"interval":5,"unit":"MINUTES"}},"inputs":[],"triggers":[]}"#
        )
        let result = transform(MetadataItem(kind: .alertingMonitor, name: "disk", body: monitor))
        #expect(result.item.body == monitor)
        #expect(result.findings.isEmpty)
        #expect(result.transformations.map(\.description).contains { $0.contains("tern cutover enables it") })
    }

    @Test func aMonitorCannotGoToElasticsearch() {
        let result = transform(
            MetadataItem(kind: .alertingMonitor, name: "disk", body: .object([:])),
            to: ClusterVersion(.elasticsearch, SemanticVersion(8, 15, 0)))
        #expect(result.findings.first?.isBlocking == true)
        #expect(result.findings.first?.description.contains("Watcher") == true)
    }

    @Test func theShapeLeavesOutWhatTheServerSetsAndNamesEveryChannelOnce() throws {
        let stored = try Self.json(
            #"{"type":"monitor","schema_version":8,"name":"m","user":{"name":"admin"},"enabled":true,"enabled_time":1714557600000,"last_update_time":1714557600000,"schedule":{},"inputs":[],"triggers":[{"query_level_trigger":{"actions":[{"destination_id":"a"},{"destination_id":"b"}]}},{"bucket_level_trigger":{"actions":[{"destination_id":"a"}]}}]}"#
        )
        let comparable = MonitorShape.comparable(stored)
        for field in ["schema_version", "user", "enabled", "enabled_time", "last_update_time"] { #expect(comparable[field] == nil) }
        #expect(MonitorShape.writable(stored, enabled: false)["enabled"] == .bool(false))
        #expect(MonitorShape.destinationIDs(stored) == ["a", "b"])
    }

    @Test func aSlackDestinationBecomesASlackChannelWithTheSameID() throws {
        let destination = try Self.json(
            #"{"id":"d1","type":"slack","name":"ops","schema_version":3,"seq_no":0,"primary_term":1,"last_update_time":1,"slack":{"url":"https://hooks.slack.com/services/T0/B0/secret"}}"#
        )
        let item = try #require(NotificationChannelShape.item(fromDestination: destination))
        let result = transform(item, from: Self.odfe)
        #expect(result.findings.isEmpty)
        #expect(
            result.item.body
                == (try Self.json(
                    #"{"config_id":"d1","config":{"name":"ops","description":"migrated from alerting destination d1","config_type":"slack","is_enabled":true,"slack":{"url":"https://hooks.slack.com/services/T0/B0/secret"}}}"#
                )))
        #expect(result.transformations.contains { $0.description.contains("slack channel with the same id") })
    }

    @Test func aCustomWebhookGetsItsURLBuiltAndItsCredentialsAsABasicHeader() throws {
        let destination = try Self.json(
            #"{"id":"w1","type":"custom_webhook","name":"pager","custom_webhook":{"url":null,"scheme":"HTTPS","host":"pager.example.com","port":8443,"path":"hooks/alert","method":"PUT","query_params":{"team":"search"},"header_params":{"Content-Type":"application/json"},"username":"bot","password":"pw"}}"#
        )
        let result = transform(try #require(NotificationChannelShape.item(fromDestination: destination)), from: Self.odfe)
        let webhook = try #require(result.item.body["config"]?["webhook"])
        #expect(webhook["url"] == .string("https://pager.example.com:8443/hooks/alert?team=search"))
        #expect(webhook["method"] == .string("PUT"))
        #expect(webhook["header_params"]?["Authorization"] == .string("Basic " + Data("bot:pw".utf8).base64EncodedString()))
        #expect(webhook["header_params"]?["Content-Type"] == .string("application/json"))
    }

    @Test func anEmailDestinationIsNamedAsNotConvertible() throws {
        let destination = try Self.json(#"{"id":"e1","type":"email","name":"oncall","email":{"email_account_id":"a","recipients":[]}}"#)
        let result = transform(try #require(NotificationChannelShape.item(fromDestination: destination)), from: Self.odfe)
        #expect(result.findings.count == 1 && result.findings[0].isBlocking)
        #expect(result.findings[0].description.contains("email channel with id e1"))
    }

    @Test func channelsNeedATargetOfOpenSearchTwo() throws {
        let channel = try Self.json(#"{"config_id":"c","config":{"name":"c","config_type":"slack","slack":{"url":"u"}}}"#)
        let result = transform(MetadataItem(kind: .notificationChannel, name: "c", body: channel), to: Self.os13)
        #expect(result.findings.first?.isBlocking == true)
    }

    @Test func anSMTPSenderIsCarriedWithTheKeystoreNamedForItsCredentials() throws {
        let channel = try Self.json(
            #"{"config_id":"smtp","config":{"name":"smtp","config_type":"smtp_account","smtp_account":{"host":"mail","port":587,"method":"start_tls","from_address":"a@b.c"}}}"#
        )
        let result = transform(MetadataItem(kind: .notificationChannel, name: "smtp", body: channel))
        #expect(result.findings.count == 1 && !result.findings[0].isBlocking)
        #expect(result.findings[0].description.contains("keystore"))
    }

    @Test func redactionHidesURLsAndHeadersOnly() throws {
        let channel = try Self.json(
            #"{"config_id":"c","config":{"name":"c","config_type":"webhook","webhook":{"url":"https://x/secret","header_params":{"Authorization":"Basic eA=="},"method":"POST"}}}"#
        )
        let redacted = NotificationChannelShape.redacted(channel)
        #expect(redacted["config"]?["webhook"]?["url"] == .string("<redacted>"))
        #expect(redacted["config"]?["webhook"]?["header_params"] == .string("<redacted>"))
        #expect(redacted["config"]?["webhook"]?["method"] == .string("POST"))
        #expect(redacted["config"]?["name"] == .string("c"))
    }

    @Test func monitorsArePairedByUniqueNameAndOnlyEnabledOnesSwitch() {
        typealias Listed = MonitorPair.Listed
        let source = [
            Listed(id: "s1", name: "disk", enabled: true), Listed(id: "s2", name: "quiet", enabled: false),
            Listed(id: "s3", name: "twice", enabled: true), Listed(id: "s4", name: "twice", enabled: true),
            Listed(id: "s5", name: "new", enabled: true),
        ]
        let target = [
            Listed(id: "t1", name: "disk", enabled: false), Listed(id: "t2", name: "quiet", enabled: false),
            Listed(id: "t3", name: "twice", enabled: false),
        ]
        let (pairs, unpaired) = MonitorPair.pairs(source: source, target: target)
        #expect(pairs == [MonitorPair(name: "disk", sourceID: "s1", targetID: "t1")])
        #expect(unpaired.count == 3)
        #expect(unpaired.contains { $0.hasPrefix("new (not on the target") })
        #expect(unpaired.filter { $0.hasPrefix("twice (the name is not unique") }.count == 2)
    }
}

extension AlertingRuleTests {
    /// With cross-cluster replication the plugin creates the followers: the metadata step leaves indices and data streams
    /// out and still carries the rest.
    @Test func indicesAndDataStreamsAreLeftOutWhenReplicationCreatesThem() {
        var options = MetadataRunOptions(selection: IndexSelection(), apply: true)
        options.indices = false
        let runner = MetadataRunner(
            source: .cluster(ClusterConfiguration(role: "source", endpoints: [])),
            target: ClusterConfiguration(role: "target", endpoints: []), options: options, logger: Logger(label: "test"))
        let items = [
            MetadataItem(kind: .index, name: "logs", body: .object([:])),
            MetadataItem(kind: .dataStream, name: "logs-app", body: .object([:])),
            MetadataItem(kind: .indexTemplate, name: "logs-app", body: .object(["index_patterns": .array([.string("logs-app*")])])),
            MetadataItem(kind: .alertingMonitor, name: "disk", body: .object([:])),
        ]
        #expect(runner.select(items).map(\.kind) == [.indexTemplate, .alertingMonitor])
    }
}
