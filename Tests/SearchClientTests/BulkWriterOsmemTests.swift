import Foundation
import Logging
import TernCore
import TernTestSupport
import Testing

@testable import SearchClient

/// The bulk writer against a real osmem-server (OpenSearch 3.8.0 compatible), directly and through `fault_proxy.py`.
@Suite struct BulkWriterOsmemTests {
    let logger = Logger(label: "test")

    @Test func writesThreeThousandDocumentsExactly() async throws {
        try await OsmemServer.with { server in
            try await server.createIndex("library", body: #"{"settings":{"number_of_shards":2}}"#)
            var documents = (0..<3000).map { Self.document(index: "library", number: $0) }
            let big = "ünï😀 " + String(repeating: "0123456789abcdef", count: 65_536)
            documents.append(Document(index: "library", id: "big", source: Array(#"{"kind":"big","text":"\#(big)"}"#.utf8)))
            #expect(documents.last!.source.count > 1_000_000)

            try await SearchClient.withClient(server.configuration(role: "target"), logger: logger) { client in
                let writer = BulkWriter(client: client)
                let started = ContinuousClock.now
                let outcome = try await writer.write(documents)
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                print(
                    "bulk writer: \(documents.count) documents in \(elapsed), \(Int(Double(documents.count) / seconds)) docs/s, \(outcome.requests) requests"
                )
                #expect(outcome.written == documents.count)
                #expect(outcome.failed.isEmpty && outcome.alreadyNewer == 0)
                try await Self.expectExactly(documents, in: "library", client: client)
            }
        }
    }

    @Test func externalVersioningKeepsTheNewerCopy() async throws {
        try await OsmemServer.with { server in
            try await SearchClient.withClient(server.configuration(role: "target"), logger: logger) { client in
                let writer = BulkWriter(client: client, options: BulkWriterOptions(versioning: .external, refresh: true))
                let newer = Document(index: "versions", id: "x", version: 5, source: Array(#"{"v":5}"#.utf8))
                let older = Document(index: "versions", id: "x", version: 3, source: Array(#"{"v":3}"#.utf8))
                let first = try await writer.write([newer])
                #expect(first.written == 1 && first.alreadyNewer == 0)
                let second = try await writer.write([older])
                #expect(second.written == 0 && second.alreadyNewer == 1 && second.failed.isEmpty)
                let stored = try await client.getJSON("/versions/_doc/x")
                #expect(stored["_version"]?.intValue == 5)
                #expect(stored["_source"] == JSONValue.object(["v": .int(5)]))

                // `_seq_no` wins over `_version` when the source exposed both; a newer seq_no overwrites.
                let bySeqNo = [
                    Document(index: "versions", id: "s", seqNo: 10, version: 1, source: Array(#"{"s":10}"#.utf8)),
                    Document(index: "versions", id: "t", seqNo: 4, source: Array(#"{"t":4}"#.utf8)),
                ]
                #expect(try await writer.write(bySeqNo).written == 2)
                let update = try await writer.write([
                    Document(index: "versions", id: "s", seqNo: 12, version: 2, source: Array(#"{"s":12}"#.utf8))
                ])
                #expect(update.written == 1)
                let s = try await client.getJSON("/versions/_doc/s")
                #expect(s["_version"]?.intValue == 12 && s["_source"]?["s"]?.intValue == 12)
            }
        }
    }

    @Test func strictMappingFailuresGoToTheDeadLetterFile() async throws {
        try await OsmemServer.with { server in
            try await server.createIndex(
                "strict", body: #"{"mappings":{"dynamic":"strict","properties":{"name":{"type":"keyword"},"n":{"type":"integer"}}}}"#)
            var documents = (0..<300).map { number in
                Document(
                    index: "strict", id: "d\(number)", routing: number % 2 == 0 ? "r\(number % 5)" : nil,
                    source: Array(
                        (number % 10 == 3
                            ? #"{"name":"n\#(number)","n":\#(number),"extra":true}"# : #"{"name":"n\#(number)","n":\#(number)}"#).utf8))
            }
            documents.append(Document(index: "strict", id: "broken", source: Array(#"{"name":"unterminated"#.utf8)))
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-dead-letters-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let deadLetters = DeadLetterFile(url: folder.appendingPathComponent("failed.ndjson"))

            try await SearchClient.withClient(server.configuration(role: "target"), logger: logger) { client in
                let writer = BulkWriter(client: client, deadLetters: deadLetters)
                let empty = try await writer.write(Array(documents.prefix(3)))
                #expect(empty.written == 3)
                #expect(!FileManager.default.fileExists(atPath: deadLetters.url.path), "created on the first failure only")

                let outcome = try await writer.write(documents)
                try deadLetters.close()
                let refused = Set(
                    documents.filter { String(decoding: $0.source, as: UTF8.self).contains("extra") || $0.id == "broken" }.map(\.id))
                #expect(refused.count == 31)
                #expect(outcome.written == documents.count - refused.count)
                #expect(Set(outcome.failed.map(\.document.id)) == refused)
                for failure in outcome.failed where failure.document.id != "broken" {
                    #expect(failure.status == 400 && failure.errorType == "strict_dynamic_mapping_exception")
                    #expect(failure.reason.contains("extra"))
                }
                let broken = try #require(outcome.failed.first { $0.document.id == "broken" })
                #expect(broken.errorType == "mapper_parsing_exception")

                let lines = try String(contentsOf: deadLetters.url, encoding: .utf8).split(separator: "\n")
                #expect(lines.count == refused.count)
                for line in lines {
                    let entry = try JSONValue.parse(Array(line.utf8))
                    let id = try #require(entry["_id"]?.stringValue)
                    let original = try #require(documents.first { $0.id == id })
                    #expect(entry["_index"]?.stringValue == "strict")
                    #expect(entry["_routing"]?.stringValue == original.routing)
                    #expect(entry["status"]?.intValue == 400)
                    #expect(entry["reason"]?.stringValue?.isEmpty == false)
                    if id == "broken" {
                        #expect(entry["_source"]?.stringValue == #"{"name":"unterminated"#)
                        #expect(entry["source_is_text"]?.boolValue == true)
                    } else {
                        #expect(entry["error_type"]?.stringValue == "strict_dynamic_mapping_exception")
                        #expect(entry["_source"] == (try JSONValue.parse(original.source)))
                    }
                }
                let stored = documents.filter { !refused.contains($0.id) }
                try await Self.expectExactly(stored, in: "strict", client: client)
            }
        }
    }

    @Test func losesNothingThroughRejectionsAndDroppedConnections() async throws {
        try await OsmemServer.with { server in
            try await server.createIndex("faults", body: #"{"settings":{"number_of_shards":3}}"#)
            let documents = (0..<1500).map { Self.document(index: "faults", number: $0) }
            let faults = FaultProxy.Faults(itemRejection: 0.3, drop: 0.1, wholeRejection: 0.03, seed: 20_260_101)
            try await FaultProxy.with(upstream: server.url, faults: faults) { proxy in
                // Enough attempts that the test does not depend on luck: at 30% rejections, 16 in a row are 4e-9 likely.
                let retries = RetrySettings(maxAttempts: 8, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(200))
                let options = BulkWriterOptions(
                    maxItemRetries: 15, initialRetryDelay: .milliseconds(10), maxRetryDelay: .milliseconds(300),
                    limits: AIMDController.Settings(initialBatchDocuments: 200))
                let outcome = try await SearchClient.withClient(proxy.configuration(role: "target", retries: retries), logger: logger) {
                    client in
                    let writer = BulkWriter(client: client, options: options)
                    let outcome = try await writer.write(documents)
                    let state = await writer.controllerState
                    #expect(state.epoch > 0, "rejections shrank the limits")
                    return outcome
                }
                let stats = try await proxy.stats()
                print("fault proxy: \(stats); writer: \(outcome.requests) requests, \(outcome.retriedItems) documents sent again")
                #expect(outcome.written == documents.count)
                #expect(outcome.failed.isEmpty && outcome.alreadyNewer == 0)
                #expect(stats.itemsRejected > 100)
                #expect(stats.dropsBefore > 0)
                #expect(stats.dropsAfter > 0 && stats.itemsAppliedUnanswered > 0)
                #expect(stats.wholeRejections > 0)
                #expect(outcome.retriedItems >= stats.itemsRejected)
            }
            try await SearchClient.withClient(server.configuration(role: "target"), logger: logger) { client in
                try await Self.expectExactly(documents, in: "faults", client: client)
            }
        }
    }

    @Test func aDocumentTheTargetAlwaysRejectsIsGivenUpOnlyAfterItsPatience() async throws {
        try await OsmemServer.with { server in
            try await server.createIndex("busy")
            let documents = (0..<5).map { Self.document(index: "busy", number: $0) }
            try await FaultProxy.with(upstream: server.url, faults: FaultProxy.Faults(itemRejection: 1)) { proxy in
                let options = BulkWriterOptions(
                    maxItemRetries: 2, rejectionPatience: .seconds(2), initialRetryDelay: .milliseconds(10),
                    maxRetryDelay: .milliseconds(50))
                let started = ContinuousClock.now
                let outcome = try await SearchClient.withClient(proxy.configuration(role: "target"), logger: logger) { client in
                    try await BulkWriter(client: client, options: options).write(documents)
                }
                let elapsed = ContinuousClock.now - started
                let stats = try await proxy.stats()
                #expect(outcome.written == 0)
                #expect(outcome.failed.map(\.document.id).sorted() == documents.map(\.id).sorted())
                #expect(outcome.failed.allSatisfy { $0.status == 429 && $0.reason.contains("gave up after") })
                // Three sends (a few tens of milliseconds apart) use up the count; patience keeps each document going for 2 s.
                #expect(elapsed >= .seconds(2))
                #expect(stats.itemsRejected >= documents.count * 3, "\(stats)")
            }
        }
    }

    @Test func concurrentWritesShareOneConcurrencyLimit() async throws {
        try await OsmemServer.with { server in
            try await SearchClient.withClient(server.configuration(role: "target"), logger: logger) { client in
                let limits = AIMDController.Settings(
                    concurrency: 1...3, initialConcurrency: 3, batchDocuments: 10...20, initialBatchDocuments: 20)
                let writer = BulkWriter(client: client, options: BulkWriterOptions(limits: limits))
                let parts = (0..<4).map { part in (0..<150).map { Self.document(index: "shared", number: part * 1000 + $0) } }
                let outcomes = try await withThrowingTaskGroup(of: BulkOutcome.self) { group in
                    for part in parts { group.addTask { try await writer.write(part) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(outcomes.map(\.written) == [150, 150, 150, 150])
                #expect(outcomes.map(\.requests).reduce(0, +) >= 30)
                let peak = await writer.peakSending
                #expect(peak <= 3, "four calls, one limit")
                #expect(peak >= 2)
                try await Self.expectExactly(parts.flatMap { $0 }, in: "shared", client: client)
            }
        }
    }

    @Test func throwsConnectionRefusedWhenTheTargetIsDown() async throws {
        let port = try FaultyServer.closedPort()
        let configuration = ClusterConfiguration(
            role: "target", endpoints: [URLHelper.url("http://127.0.0.1:\(port)")],
            timeouts: Timeouts(connect: .seconds(1), request: .seconds(5)),
            retries: RetrySettings(maxAttempts: 3, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50)))
        let started = ContinuousClock.now
        try await SearchClient.withClient(configuration, logger: logger) { client in
            let writer = BulkWriter(client: client)
            let error = await #expect(throws: TernError.self) {
                try await writer.write((0..<50).map { Self.document(index: "gone", number: $0) })
            }
            #expect(error?.kind == .connectionRefused)
        }
        // Alone this takes well under a second; the bound only guards against retrying forever, since the whole suite
        // (proxies, replays, kill tests) shares two cores.
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    // MARK: - Helpers

    /// Ids that need escaping, unicode, routing, nested objects, arrays, and pretty-printed sources with line breaks.
    static func document(index: String, number: Int) -> Document {
        let id =
            switch number % 50 {
            case 7: "quote\"back\\slash-\(number)"
            case 8: "ünïcødé-😀-\(number)"
            case 9: "space and/slash?&=#-\(number)"
            default: "doc-\(number)"
            }
        var source =
            #"{"n":\#(number),"title":"Title \#(number) — ünï 😀 \"quoted\"","tags":["a","b\#(number % 7)"],"#
            + #""nested":{"level":{"deep":{"x":\#(number % 13),"flag":\#(number % 2 == 0)}},"list":[{"k":1},{"k":2}]},"#
            + #""empty":{},"none":null,"ratio":0.25}"#
        if number % 10 == 0 {
            source = source.replacingOccurrences(of: ",\"", with: ",\n  \"").replacingOccurrences(of: "{\"", with: "{\n\"")
        }
        return Document(index: index, id: id, routing: number % 3 == 0 ? "route-\(number % 5)" : nil, source: Array(source.utf8))
    }

    /// The index holds exactly `documents`: same ids, routings and sources (compared as JSON), nothing more.
    static func expectExactly(_ documents: [Document], in index: String, client: SearchClient) async throws {
        _ = try await client.send(.POST, "/\(index)/_refresh")
        let response = try await client.send(
            .POST, "/\(index)/_search", body: Array(#"{"size":10000,"query":{"match_all":{}}}"#.utf8))
        #expect(response.status == 200)
        let json = try #require(response.json())
        let hits = try #require(json["hits"]?["hits"]?.arrayValue)
        #expect(json.value(at: "hits.total.value")?.intValue == Int64(documents.count))
        var stored: [String: JSONValue] = [:]
        for hit in hits {
            let id = try #require(hit["_id"]?.stringValue)
            #expect(stored[id] == nil, "\(id) appears twice")
            stored[id] = hit
        }
        #expect(stored.count == documents.count)
        var mismatches = 0
        for document in documents {
            guard let hit = stored[document.id] else {
                Issue.record("\(document.id) is missing")
                mismatches += 1
                continue
            }
            let expected = try JSONValue.parse(document.source)
            if hit["_source"] != expected || hit["_routing"]?.stringValue != document.routing {
                mismatches += 1
                if mismatches < 5 {
                    Issue.record(
                        "\(document.id) differs: \(String(describing: hit["_source"])) routing \(String(describing: hit["_routing"]))")
                }
            }
        }
        #expect(mismatches == 0)
    }
}
