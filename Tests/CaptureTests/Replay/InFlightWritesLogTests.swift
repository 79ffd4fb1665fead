import Foundation
import State
import Testing
import Validation

@testable import Capture

/// The writes a live validation may find still on their way, read from a capture log the real writer wrote: each kind of
/// write the proxy captures, before and after the starting position, answered, refused and not (yet) answered.
@Suite struct InFlightWritesLogTests {
    /// Appends logged exchanges as the proxy does: the request without waiting, the answer durably.
    struct Log {
        let writer: CaptureLogWriter

        @discardableResult
        func request(_ method: String, _ target: String, _ body: String = "", ndjson: Bool = false) async throws -> UInt64 {
            let exchange = writer.nextExchange()
            try await writer.append(
                .request(
                    exchange: exchange, timestampMillis: Self.now, method: method, target: target,
                    headers: [CaptureHeader(name: "content-type", value: ndjson ? "application/x-ndjson" : "application/json")],
                    body: Array(body.utf8)), durable: false)
            return exchange
        }

        @discardableResult
        func answer(_ exchange: UInt64, _ status: Int, _ body: String) async throws -> CapturePosition {
            try await writer.append(.response(exchange: exchange, timestampMillis: Self.now, status: status, body: Array(body.utf8)))
        }

        @discardableResult
        func exchange(_ method: String, _ target: String, _ body: String = "", ndjson: Bool = false, status: Int, answer: String)
            async throws -> CapturePosition
        {
            try await self.answer(try await request(method, target, body, ndjson: ndjson), status, answer)
        }

        static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

        static func written(_ index: String, _ id: String, seqNo: Int = 1) -> String {
            #"{"_index":"\#(index)","_id":"\#(id)","_version":1,"result":"created","_seq_no":\#(seqNo),"_primary_term":1}"#
        }
    }

    static func withLog(_ body: (Log, TemporaryFolder) async throws -> Void) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try CaptureLogWriter(directory: folder.path, options: CaptureLogOptions(segmentBytes: 4096))
        do {
            try await body(Log(writer: writer), folder)
        } catch {
            try? await writer.close()
            throw error
        }
        try await writer.close()
    }

    @Test func eachKindOfWriteAfterThePositionIsInFlightAndNothingBefore() async throws {
        try await Self.withLog { log, folder in
            // Before the position: applied by the replay, not in flight.
            try await log.exchange("PUT", "/orders/_doc/old", #"{"n":0}"#, status: 201, answer: Log.written("orders", "old"))
            let late = try await log.request(
                "POST", "/_bulk", "{\"index\":{\"_index\":\"orders\",\"_id\":\"late\"}}\n{\"n\":1}\n", ndjson: true)
            for n in 1...30 {
                try await log.exchange(
                    "PUT", "/orders/_doc/old-\(n)", #"{"n":\#(n)}"#, status: 201, answer: Log.written("orders", "old-\(n)"))
            }
            let since = try await log.exchange(
                "PUT", "/orders/_mapping", #"{"properties":{"n":{"type":"long"}}}"#, status: 200, answer: #"{"acknowledged":true}"#)
            #expect(since.segment > 1, "the log spans segments before the position")

            // After it.
            try await log.exchange("PUT", "/orders/_doc/a1?refresh=true", #"{"n":1}"#, status: 201, answer: Log.written("orders", "a1"))
            // The answer of a request logged before the position: it names its documents.
            try await log.answer(
                late, 200, #"{"took":1,"errors":false,"items":[{"index":{"_index":"orders","_id":"late","_seq_no":9,"status":201}}]}"#)
            let bulk = """
                {"index":{"_index":"orders","_id":"b1"}}
                {"n":1}
                {"delete":{"_index":"orders","_id":"b2"}}
                {"update":{"_id":"b3"}}
                {"doc":{"n":3}}
                {"create":{"_index":"logs"}}
                {"msg":"auto"}
                {"index":{"_index":"orders","_id":"refused"}}
                {"n":-1}

                """
            let items = """
                {"took":3,"errors":true,"items":[
                {"index":{"_index":"orders","_id":"b1","_version":2,"result":"updated","_seq_no":11,"status":200}},
                {"delete":{"_index":"orders","_id":"b2","_version":2,"result":"deleted","_seq_no":12,"status":200}},
                {"update":{"_index":"orders","_id":"b3","_version":2,"result":"updated","_seq_no":13,"status":200}},
                {"create":{"_index":"logs","_id":"gen-1","_version":1,"result":"created","_seq_no":0,"status":201}},
                {"index":{"_index":"orders","_id":"refused","status":409,"error":{"type":"version_conflict_engine_exception"}}}
                ]}
                """
            try await log.exchange("POST", "/orders/_bulk", bulk, ndjson: true, status: 200, answer: items)
            try await log.exchange("PUT", "/orders/_create/c1", #"{"n":1}"#, status: 409, answer: #"{"error":{"type":"version_conflict"}}"#)
            try await log.exchange(
                "POST", "/orders/_update/u1", #"{"doc":{"n":2}}"#, status: 200,
                answer: #"{"_index":"orders","_id":"u1","result":"updated","_seq_no":20}"#)
            // Through an alias: the source's answer names the concrete index.
            try await log.exchange("PUT", "/current/_doc/v1", #"{"n":1}"#, status: 201, answer: Log.written("orders-2024", "v1"))
            try await log.exchange(
                "DELETE", "/orders/_doc/d1", status: 200, answer: #"{"_index":"orders","_id":"d1","result":"deleted","_seq_no":21}"#)
            try await log.exchange(
                "POST", "/events,audit-*/_delete_by_query", #"{"query":{"match_all":{}}}"#, status: 200, answer: #"{"deleted":3}"#)
            try await log.exchange("POST", "/quiet/_update_by_query", #"{}"#, status: 200, answer: #"{"updated":0}"#)
            try await log.exchange("PUT", "/archive", #"{"settings":{}}"#, status: 200, answer: #"{"acknowledged":true}"#)
            try await log.exchange(
                "PUT", "/orders/_settings", #"{"index":{"refresh_interval":"2s"}}"#, status: 200, answer: #"{"acknowledged":true}"#)
            // Logged, not answered yet: the source may hold it already.
            try await log.request("PUT", "/orders/_doc/pending", #"{"n":1}"#)

            let writes = try await InFlightWritesLog(directory: folder.path, since: since, answerWait: .zero).current()
            #expect(writes.since == since.description)
            #expect(
                writes.documents == [
                    "orders": ["a1", "late", "b1", "b2", "b3", "u1", "d1", "pending"], "logs": ["gen-1"], "orders-2024": ["v1"],
                ])
            #expect(writes.wholeIndices == ["events", "audit-*", "archive"])
            #expect(writes.contains(index: "orders", id: "b2"))
            #expect(!writes.contains(index: "orders", id: "old"), "applied before the position")
            #expect(
                !writes.contains(index: "orders", id: "refused") && !writes.contains(index: "orders", id: "c1"),
                "refused writes change nothing")
            #expect(writes.contains(index: "audit-2024", id: "anything") && writes.coversWholeIndex("events"))
            #expect(!writes.coversWholeIndex("orders") && !writes.coversWholeIndex("quiet"))
            #expect(writes.explainsCountDifference(-8, index: "orders") && !writes.explainsCountDifference(9, index: "orders"))
        }
    }

    @Test func eachCallReadsOnToTheCurrentEnd() async throws {
        try await Self.withLog { log, folder in
            let since = try await log.exchange("PUT", "/orders/_doc/1", "{}", status: 201, answer: Log.written("orders", "1"))
            let inFlight = InFlightWritesLog(directory: folder.path, since: since, answerWait: .zero)
            #expect(try await inFlight.current().documents.isEmpty)
            for n in 2...60 {
                try await log.exchange("PUT", "/orders/_doc/\(n)", "{}", status: 201, answer: Log.written("orders", "\(n)"))
            }
            let writes = try await inFlight.current()
            #expect(writes.documentCount(index: "orders") == 59)
            #expect(writes.until != writes.since && writes.since == since.description)
        }
    }

    @Test func anUnansweredAutomaticIdMarksItsIndexUnlessTheAnswerComesInTime() async throws {
        try await Self.withLog { log, folder in
            let since = try InFlightWritesLog.endPosition(captureDirectory: folder.path)
            let exchange = try await log.request("POST", "/orders/_doc", #"{"n":1}"#)
            let impatient = try await InFlightWritesLog(directory: folder.path, since: since, answerWait: .zero).current()
            #expect(impatient.wholeIndices == ["orders"], "its id is unknown without the answer")

            // With time to wait, the answer names the document (it may come before the first read or while waiting).
            let patient = InFlightWritesLog(directory: folder.path, since: since, answerWait: .seconds(30))
            async let writes = patient.current()
            try await log.answer(exchange, 201, Log.written("orders", "generated"))
            #expect(try await writes.documents == ["orders": ["generated"]])
            #expect(try await writes.wholeIndices.isEmpty)
        }
    }

    @Test func theStartIsTheReplaysPositionElseTheEndOfTheLog() async throws {
        try await Self.withLog { log, folder in
            #expect(try InFlightWritesLog.endPosition(captureDirectory: folder.path).segment == 1)
            let first = try await log.exchange("PUT", "/orders/_doc/1", "{}", status: 201, answer: Log.written("orders", "1"))
            let end = try await log.exchange("PUT", "/orders/_doc/2", "{}", status: 201, answer: Log.written("orders", "2"))
            #expect(try InFlightWritesLog.endPosition(captureDirectory: folder.path) == end)

            let state = FileManager.default.temporaryDirectory.appendingPathComponent("tern-state-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: state) }
            let target = "http://new:9200"
            let store = try StateStore(folder: state)
            let none = try await InFlightWritesLog.forValidation(captureDirectory: folder.path, store: store, target: target)
            #expect(none.since == end, "without a replay, writes from now on")

            let key = Replayer.stateKey(captureDirectory: folder.path)
            try await store.saveReplayProgress(
                ReplayProgress(captureDirectory: key, target: target, segment: first.segment, offset: first.offset))
            let replayed = try await InFlightWritesLog.forValidation(captureDirectory: folder.path, store: store, target: target)
            #expect(replayed.since == first)
            #expect(try await replayed.current().documents == ["orders": ["2"]])
            let other = try await InFlightWritesLog.forValidation(
                captureDirectory: folder.path, store: store, target: "http://elsewhere:9200")
            #expect(other.since == end, "another target's replay says nothing of this one")
        }
    }
}
