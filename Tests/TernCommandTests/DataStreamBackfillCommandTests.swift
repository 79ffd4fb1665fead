import Foundation
import TernCore
import TernTestSupport
import Testing

/// A backfill of a data stream: the source's backing indices are found through `GET _data_stream` and their documents
/// written into the stream on the target with `op_type: create`. osmem has no data streams, so the source's answer to
/// `GET _data_stream` is a recorded one (served by the test proxy in front of osmem, whose plain indices stand in for
/// the backing indices) and the target's stream is a plain index of the stream's name.
@Suite struct DataStreamBackfillCommandTests {
    /// `GET _data_stream` of an Elasticsearch 8 cluster with one stream of two generations (the documentation's shape).
    static let recorded = """
        {"data_streams":[{"name":"logs-web-default","timestamp_field":{"name":"@timestamp"},"indices":[
        {"index_name":".ds-logs-web-default-2026.12.01-000001","index_uuid":"Gpdiyq8sRuK9WuthvAdFbw"},
        {"index_name":".ds-logs-web-default-2026.12.02-000002","index_uuid":"_eEfRrFHS9OyhqWntkgHAQ"}],
        "generation":2,"status":"GREEN","template":"logs-web","ilm_policy":"logs","hidden":false,"system":false,
        "allow_custom_routing":false,"replicated":false}]}
        """

    @Test func aStreamsBackingIndicesGoIntoTheStreamWithCreateAndARerunOverwritesNothing() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let recorded = folder.appendingPathComponent("data_stream.json")
        try Self.recorded.write(to: recorded, atomically: true, encoding: .utf8)
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                let backing = [".ds-logs-web-default-2026.12.01-000001", ".ds-logs-web-default-2026.12.02-000002"]
                for (generation, index) in backing.enumerated() {
                    try await source.seed(
                        index: index,
                        documents: (0..<(generation == 0 ? 300 : 200)).map {
                            let id = "g\(generation)-\($0)"
                            return (
                                id,
                                #"{"@timestamp":"2026-12-0\#(generation + 1)T10:00:\#(String(format: "%02d", $0 % 60))Z","message":"request \#(id)"}"#
                            )
                        })
                }
                try await source.seed(index: "orders", documents: (0..<50).map { ("o\($0)", #"{"n":\#($0)}"#) })
                // The stream's name counts its documents on the source, as a stream's name does.
                _ = try await source.send(
                    .POST, "/_aliases",
                    body: Array(#"{"actions":[{"add":{"indices":["\#(backing[0])","\#(backing[1])"],"alias":"logs-web-default"}}]}"#.utf8))
                let proxy = try FaultProxy(upstream: source.url, dataStreams: recorded)
                defer { proxy.stop() }
                // The target's stream, standing in: a plain index with the stream's name, holding one document the
                // source also has, differently (a create must leave it alone where an index would overwrite it).
                try await target.createIndex("logs-web-default")
                try await target.seed(
                    index: "logs-web-default", documents: [("g1-199", #"{"@timestamp":"2026-12-02T10:00:00Z","message":"already here"}"#)])

                let run = try await TernBinary.run(
                    ["backfill", "--source", proxy.url.absoluteString, "--target", target.url.absoluteString, "--json"], in: folder)
                #expect(run.status == 0, "\(run.stderr)")
                let report = try JSONValue.parse(Array(run.stdout.utf8))
                let indices = report["indices"]?.arrayValue ?? []
                let stream = indices.first { $0["target"]?.stringValue == "logs-web-default" }
                #expect(stream?["source"]?.stringValue == "logs-web-default")
                #expect(stream?["read"]?.intValue == 500 && stream?["written"]?.intValue == 499 && stream?["already_newer"]?.intValue == 1)
                #expect(stream?["source_count"]?.intValue == 500 && stream?["target_count"]?.intValue == 500)
                #expect(indices.map { $0["target"]?.stringValue ?? "" }.sorted() == ["logs-web-default", "orders"])
                let listed = String(
                    decoding: try await target.send(.GET, "/_cat/indices", query: [("format", "json"), ("expand_wildcards", "all")]),
                    as: UTF8.self)
                #expect(!listed.contains(".ds-logs-web"), "a backing index was copied as an index: \(listed)")

                // Every document of both generations is in the stream, as the source has it, except the one the
                // target already had, which the create left alone.
                var expected: [String: OsmemServer.StoredDocument] = [:]
                for index in backing { expected.merge(try await source.documents(in: index)) { first, _ in first } }
                var actual = try await target.documents(in: "logs-web-default")
                #expect(actual["g1-199"]?.canonicalSource.contains("already here") == true)
                actual["g1-199"] = expected["g1-199"]
                #expect(actual == expected)

                // Validation compares the stream with its counterpart, and finds the document the create left alone.
                let validation = try await TernBinary.run(
                    ["validate", "--source", proxy.url.absoluteString, "--target", target.url.absoluteString, "--json"], in: folder)
                #expect(validation.status == 1, "\(validation.stderr)")
                let compared = try JSONValue.parse(Array(validation.stdout.utf8))["indices"]?.arrayValue ?? []
                #expect(compared.map { $0["source_index"]?.stringValue ?? "" }.sorted() == ["logs-web-default", "orders"])
                let streamResult = compared.first { $0["source_index"]?.stringValue == "logs-web-default" }
                #expect(streamResult?["source_count"]?.intValue == 500 && streamResult?["target_count"]?.intValue == 500)
                #expect(
                    streamResult?["different"]?.intValue == 1 && streamResult?["missing"]?.intValue == 0,
                    "\(validation.stdout.prefix(1500))")

                // Again from scratch (another state folder): every create finds its document, nothing is overwritten.
                let again = try await TernBinary.run(
                    [
                        "backfill", "--source", proxy.url.absoluteString, "--target", target.url.absoluteString, "--state-dir", "again",
                        "--json",
                    ],
                    in: folder)
                #expect(again.status == 0, "\(again.stderr)")
                let second = try JSONValue.parse(Array(again.stdout.utf8))["indices"]?.arrayValue?.first {
                    $0["target"]?.stringValue == "logs-web-default"
                }
                #expect(second?["written"]?.intValue == 0 && second?["already_newer"]?.intValue == 500 && second?["failed"]?.intValue == 0)
            }
        }
    }

    @Test func writesToAStreamDuringTheWindowAreReplayedIntoTheStream() async throws {
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let recorded = folder.appendingPathComponent("data_stream.json")
        try Self.recorded.write(to: recorded, atomically: true, encoding: .utf8)
        try await OsmemServer.with { source in
            try await OsmemServer.with { target in
                let backing = [".ds-logs-web-default-2026.12.01-000001", ".ds-logs-web-default-2026.12.02-000002"]
                for index in backing { try await source.createIndex(index) }
                // The stream's name writes into its newest backing index and answers with that index's name, as a stream does.
                _ = try await source.send(
                    .POST, "/_aliases",
                    body: Array(
                        #"{"actions":[{"add":{"index":"\#(backing[0])","alias":"logs-web-default"}},{"add":{"index":"\#(backing[1])","alias":"logs-web-default","is_write_index":true}}]}"#
                            .utf8))
                let streams = try FaultProxy(upstream: source.url, dataStreams: recorded)
                defer { streams.stop() }
                try await target.createIndex("logs-web-default")
                try await ReplayCommandTests.withProxy(source: streams.configuration(role: "source"), folder: folder) { port in
                    for n in 0..<20 {
                        let status = try await ReplayCommandTests.send(
                            port, .PUT, "/logs-web-default/_create/w\(n)", #"{"@timestamp":"2026-12-02T11:00:00Z","n":\#(n)}"#)
                        #expect(status == 201)
                    }
                    let bulk = (20..<30).map {
                        #"{"create":{"_index":"logs-web-default","_id":"w\#($0)"}}"# + "\n"
                            + #"{"@timestamp":"2026-12-02T11:00:01Z","n":\#($0)}"#
                    }
                    #expect(
                        try await ReplayCommandTests.send(port, .POST, "/_bulk", bulk.joined(separator: "\n") + "\n", ndjson: true) == 200)
                    #expect(try await ReplayCommandTests.send(port, .DELETE, "/\(backing[1])/_doc/w0") == 200)
                }
                let replay = try await TernBinary.run([
                    "replay", "--source", streams.url.absoluteString, "--target", target.url.absoluteString, "--capture-dir",
                    folder.appendingPathComponent("capture").path, "--state-dir", folder.appendingPathComponent("state").path,
                    "--until-drained", "--json",
                ])
                // The deletion in a backing index is named, not silently dropped: the operator deletes it on the target.
                #expect(replay.stdout.contains("deleted from data stream logs-web-default"), "\(replay.stdout.prefix(3000))")
                let documents = try await target.documents(in: "logs-web-default")
                #expect(documents.count == 30, "\(documents.keys.sorted())")
                #expect(documents["w25"]?.canonicalSource.contains("\"n\":25") == true)
                let listed = String(
                    decoding: try await target.send(.GET, "/_cat/indices", query: [("format", "json"), ("expand_wildcards", "all")]),
                    as: UTF8.self)
                #expect(!listed.contains(".ds-logs-web"), "a backing index was written as an index: \(listed)")
            }
        }
    }

    @Test(
        "a snapshot's data stream: its backing index goes into the stream, and metadata names the stream (assembled Elasticsearch 8.15 layout)"
    )
    func snapshotStream() async throws {
        let shard = try LuceneFixtures.index(
            AssembledRepository.Layout.elasticsearch8.serverMode, lucene: AssembledRepository.Layout.elasticsearch8.lucene)
        let backing = ".ds-logs-web-default-2026.12.01-000001"
        let stream: JSONValue = try JSONValue.parse(
            Array(
                #"{"data_stream":{"logs-web-default":{"name":"logs-web-default","timestamp_field":{"name":"@timestamp"},"indices":[{"index_name":"\#(backing)","index_uuid":"Gpdiyq8sRuK9WuthvAdFbw"}],"generation":1,"hidden":false,"replicated":false,"system":false,"allow_custom_routing":false}}}"#
                    .utf8))
        let assembled = try AssembledRepository.assemble(
            .elasticsearch8, indices: [.init(name: backing, shards: [shard.folder]), .init(name: "orders", shards: [shard.folder])],
            customs: ["data_stream": stream])
        defer { assembled.remove() }
        let expected = try shard.expectedDocuments()
        let folder = try TernBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await OsmemServer.with { target in
            try await target.createIndex("logs-web-default")
            let run = try await TernBinary.run(
                [
                    "backfill", "--snapshot-repo", assembled.root.path, "--snapshot", "nightly", "--target", target.url.absoluteString,
                    "--json",
                ],
                in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let indices = try JSONValue.parse(Array(run.stdout.utf8))["indices"]?.arrayValue ?? []
            #expect(indices.map { $0["target"]?.stringValue ?? "" }.sorted() == ["logs-web-default", "orders"])
            #expect(try await target.documents(in: "logs-web-default").count == expected.count)
            let listed = String(
                decoding: try await target.send(.GET, "/_cat/indices", query: [("format", "json"), ("expand_wildcards", "all")]),
                as: UTF8.self)
            #expect(!listed.contains(".ds-logs-web"), "a backing index was copied as an index: \(listed)")

            let metadata = try await TernBinary.run(
                [
                    "metadata", "evaluate", "--snapshot-repo", assembled.root.path, "--snapshot", "nightly", "--target",
                    target.url.absoluteString,
                    "--json",
                ], in: folder)
            let items = try JSONValue.parse(Array(metadata.stdout.utf8))["items"]?.arrayValue ?? []
            #expect(
                items.contains { $0["kind"]?.stringValue == "data-stream" && $0["name"]?.stringValue == "logs-web-default" },
                "\(metadata.stdout.prefix(2000))")
            #expect(!items.contains { $0["name"]?.stringValue == backing })
        }
    }
}
