import Foundation
import Logging
import NIOHTTP1
import SearchClient
import State
import TernCore
import TernTestSupport
import Testing

@testable import Capture

/// Index-level calls replayed into a real osmem target with `--index`/`--rename`: alias actions renamed, and the bodies
/// of index creations and mapping updates transformed for the target's version.
@Suite(.serialized) struct ReplayAdminOsmemTests {
    /// `books` and `films` migrated, `books` renamed; `logs` left behind.
    static let selection = IndexSelection(include: ["books", "films"], renames: [(from: "books", to: "books-v2")])

    /// Sends each call to the real source and logs it with the source's real answer, as the capture proxy does.
    static func capture(_ calls: [(HTTPMethod, String, String)], source: OsmemServer, folder: String) async throws {
        let writer = try CaptureLogWriter(directory: folder)
        try await SearchClient.withClient(source.configuration(role: "source"), logger: Logger(label: "test")) { client in
            for (method, target, body) in calls {
                let exchange = writer.nextExchange()
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                try await writer.append(
                    .request(
                        exchange: exchange, timestampMillis: now, method: "\(method)", target: target,
                        headers: [CaptureHeader(name: "content-type", value: "application/json")], body: Array(body.utf8)))
                let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
                let query: [(String, String)] =
                    parts.count > 1
                    ? parts[1].split(separator: "&").map { pair -> (String, String) in
                        let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                        return (kv[0], kv.count > 1 ? kv[1] : "")
                    } : []
                let response = try await client.send(method, parts[0], query: query, body: body.isEmpty ? nil : Array(body.utf8))
                try await writer.append(
                    .response(exchange: exchange, timestampMillis: now, status: Int(response.status), body: response.bytes))
            }
        }
        try await writer.close()
    }

    /// `GET /_alias` of the target: alias names by index.
    static func aliases(_ server: OsmemServer) async throws -> [String: Set<String>] {
        let answer = try JSONValue.parse(try await server.send(.GET, "/_alias"))
        var result: [String: Set<String>] = [:]
        for (index, value) in answer.objectValue ?? [:] {
            result[index] = Set((value["aliases"]?.objectValue ?? [:]).keys)
        }
        return result
    }

    @Test func aliasActionsFollowTheRenamesAndSkipIndicesOutsideTheSelection() async throws {
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-replay-\(UUID().uuidString)").path
                defer { try? FileManager.default.removeItem(atPath: folder) }
                let capture = folder + "/capture"
                try await Self.capture(
                    [
                        (.PUT, "/books", #"{"settings":{"number_of_shards":1},"mappings":{"properties":{"title":{"type":"text"}}}}"#),
                        (.PUT, "/films", ""),
                        (.PUT, "/logs", ""),
                        (
                            .POST, "/_aliases",
                            #"{"actions":[{"add":{"index":"books","alias":"current"}},{"add":{"indices":["books","films","logs"],"alias":"everything"}},{"add":{"index":"logs","alias":"today"}}]}"#
                        ),
                        (.POST, "/_aliases", #"{"actions":[{"add":{"index":"logs","alias":"yesterday"}}]}"#),
                        (.PUT, "/books/_alias/shelf", ""),
                        (.PUT, "/books/_doc/1?refresh=true", #"{"title":"Dune"}"#),
                    ], source: source, folder: capture)
                #expect(try await Self.aliases(source)["books"] == ["current", "everything", "shelf"], "the source took every call")

                let report = try await Replayer(
                    source: source.configuration(role: "source"), target: target.configuration(role: "target"),
                    options: ReplayerOptions(
                        captureDirectory: capture, selection: Self.selection, untilDrained: true),
                    store: try StateStore(folder: folder + "/state"), logger: Logger(label: "test")
                ).run()
                #expect(report.issues.isEmpty, "\(report.issues)")
                #expect(report.ok && report.progress.failed == 0)
                #expect(report.progress.admin == 4, "create books and films, one _aliases call, one alias path; the rest is skipped")
                let aliases = try await Self.aliases(target)
                #expect(aliases == ["books-v2": ["current", "everything", "shelf"], "films": ["everything"]], "\(aliases)")
                #expect(try await target.documents(in: "books-v2").count == 1)
            }
        }
    }

    @Test func mappingCallsOfAnElasticsearch6SourceReachAnOpenSearchTargetWithoutTypes() async throws {
        try await OsmemServer.with { target in
            try await SearchClient.withClient(target.configuration(role: "target"), logger: Logger(label: "test")) { client in
                // The source is only asked to re-read documents, which these actions do not need; its version is what
                // an Elasticsearch 6 cluster reports, and the bodies are the typed forms such a cluster takes.
                let sourceInfo = ClusterInfo(
                    clusterName: "old", clusterUUID: nil, version: ClusterVersion(.elasticsearch, SemanticVersion(6, 8, 23)))
                let applier = ReplayApplier(
                    source: client, sourceInfo: sourceInfo, target: client, targetInfo: try await client.info(), selection: Self.selection)
                let create =
                    #"{"settings":{"number_of_shards":1,"index.mapper.dynamic":true},"mappings":{"doc":{"_all":{"enabled":false},"properties":{"title":{"type":"string"}}}}}"#
                var progress = ReplayProgress(captureDirectory: "capture", target: "target")
                var issues: [ReplayIssue] = []
                try await applier.apply(
                    [
                        .admin(method: "PUT", target: "/books?include_type_name=true", body: Array(create.utf8)),
                        .admin(
                            method: "PUT", target: "/books/_mapping/doc", body: Array(#"{"properties":{"year":{"type":"integer"}}}"#.utf8)),
                        .admin(
                            method: "PUT", target: "/books/doc/_mapping",
                            body: Array(#"{"doc":{"properties":{"code":{"type":"string","index":"not_analyzed"}}}}"#.utf8)),
                        .admin(method: "PUT", target: "/films/_mapping/doc", body: Array("[1]".utf8)),
                        .index(
                            ReplayAction.DocumentKey(index: "books", type: "doc", id: "1"), version: 4,
                            source: Array(#"{"title":"Dune","year":1965,"code":"D-1"}"#.utf8)[...]),
                    ], progress: &progress, issues: &issues)
                #expect(progress.admin == 3 && progress.failed == 0 && progress.written == 1, "\(progress) \(issues)")
                #expect(
                    issues.map(\.kind) == [.unsupported] && issues.first?.index == "films"
                        && issues.first?.reason.hasPrefix("PUT /films/_mapping/doc was not replayed") == true, "\(issues)")
                let mapping = try JSONValue.parse(try await target.send(.GET, "/books-v2/_mapping"))
                let properties = mapping["books-v2"]?["mappings"]?["properties"]
                #expect(properties?["title"]?["type"]?.stringValue == "text", "\(mapping)")
                #expect(properties?["year"]?["type"]?.stringValue == "integer", "\(mapping)")
                #expect(properties?["code"]?["type"]?.stringValue == "keyword", "\(mapping)")
                #expect(mapping["books-v2"]?["mappings"]?["doc"] == nil)
                #expect(try await target.documents(in: "books-v2").count == 1)
            }
        }
    }
}
