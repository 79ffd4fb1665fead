import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

@testable import Metadata

/// Metadata read from the snapshot fixtures written by real Elasticsearch and from a live osmem cluster, and the
/// target refusals `--drop-unsupported` understands.
@Suite struct MetadataReadingTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures/snapshots")

    func read(_ repository: String, _ snapshot: String) throws -> SourceMetadata {
        try SnapshotMetadataReader(repositoryPath: Self.snapshots.appendingPathComponent(repository).path, snapshotName: snapshot)
            .read(selection: IndexSelection())
    }

    @Test func elasticsearch56TwoTypesComeInTheRestShape() throws {
        let metadata = try read("ES_5_6_Updates_Deletes", "rfs_snapshot")
        #expect(metadata.version.distribution == .elasticsearch && metadata.version.version.major == 5)
        let index = try #require(metadata.items.first { $0.kind == .index && $0.name == "test_updates_deletes" })
        let mappings = try #require(index.body["mappings"]?.objectValue)
        #expect(Set(mappings.keys) == ["type1", "type2"])
        #expect(index.body.value(at: "mappings.type1.properties.title.type")?.stringValue == "text")
    }

    @Test func elasticsearch68GlobalStateHasTemplatesAndPipelines() throws {
        let metadata = try read("ES_6_8_Single", "global_state_snapshot")
        #expect(metadata.version.version.major == 6)
        let template = try #require(metadata.items.first { $0.kind == .legacyTemplate && $0.name == "posts_index_template" })
        #expect(template.body["index_patterns"]?.arrayValue == [.string("posts_*")])
        #expect(template.body.value(at: "mappings._doc.properties.author.type")?.stringValue == "keyword")
        #expect(metadata.items.contains { $0.kind == .pipeline && $0.name == "xpack_monitoring_6" })
        let indices = metadata.items.filter { $0.kind == .index }.map(\.name).sorted()
        #expect(indices == ["posts_2023_02_25", "posts_2024_01_01"])
    }

    @Test func elasticsearch710HasComposableAndComponentTemplates() throws {
        let metadata = try read("ES_7_10_Single", "global_state_snapshot")
        #expect(metadata.version.version.major == 7)
        #expect(metadata.items.contains { $0.kind == .indexTemplate && $0.name == ".slm-history" })
        #expect(metadata.items.contains { $0.kind == .componentTemplate && $0.name == "logs-mappings" })
    }

    @Test func liveClusterItemsFromOsmem() async throws {
        try await OsmemServer.with { server in
            try await server.createIndex(
                "books",
                body: #"{"settings":{"number_of_shards":2},"mappings":{"properties":{"title":{"type":"text"}}},"aliases":{"library":{}}}"#)
            try await server.send(.PUT, "/_component_template/base", body: Array(#"{"template":{"settings":{"number_of_shards":1}}}"#.utf8))
            try await server.send(
                .PUT, "/_index_template/logs", body: Array(#"{"index_patterns":["logs-*"],"composed_of":["base"],"priority":3}"#.utf8))
            try await server.send(.PUT, "/_template/old", body: Array(#"{"index_patterns":["old-*"],"order":2}"#.utf8))
            let metadata = try await SearchClient.withClient(server.configuration(role: "source"), logger: Logger(label: "test")) {
                try await ClusterMetadataReader(client: $0, logger: Logger(label: "test")).read(selection: IndexSelection())
            }
            let byName = Dictionary(metadata.items.map { ("\($0.kind):\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })
            #expect(byName["index:books"]?.body.value(at: "aliases.library") != nil)
            #expect(byName["index:books"]?.body.value(at: "mappings.properties.title.type")?.stringValue == "text")
            #expect(byName["index-template:logs"]?.body["composed_of"]?.arrayValue == [.string("base")])
            #expect(byName["component-template:base"] != nil)
            #expect(byName["legacy-template:old"]?.body["order"] != nil)
            // osmem has no ingest API: that is an absent feature, not an error.
            #expect(!metadata.items.contains { $0.kind == .pipeline })
        }
    }

    @Test func refusalsNameWhatToDrop() throws {
        let index = MetadataItem(
            kind: .index, name: "a",
            body: try JSONValue.parse(
                Array(
                    #"{"settings":{"index":{"foo":{"bar":"1"},"number_of_shards":"1"}},"mappings":{"_all":{"enabled":false},"properties":{"user":{"properties":{"name":{"type":"keyword","norms":true}}}}}}"#
                        .utf8)))
        let setting = RejectedParameter.parse(
            reason: "unknown setting [index.foo.bar] please check that any required plugins are installed", item: index)
        #expect(setting.map(\.pointer.description) == ["/settings/index/foo/bar"])
        let parameter = RejectedParameter.parse(
            reason: "Failed to parse mapping [_doc]: unknown parameter [norms] on mapper [user.name] of type [keyword]", item: index)
        #expect(parameter.map(\.pointer.description) == ["/mappings/properties/user/properties/name/norms"])
        let root = RejectedParameter.parse(
            reason: "Root mapping definition has unsupported parameters:  [_all : {enabled=false}]", item: index)
        #expect(root.map(\.pointer.description) == ["/mappings/_all"])
        #expect(RejectedParameter.parse(reason: "something else entirely", item: index).isEmpty)
    }
}
