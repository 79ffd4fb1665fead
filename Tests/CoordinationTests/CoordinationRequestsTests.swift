import Coordination
import Foundation
import Logging
import SearchClient
import TernCore
import TernTestSupport
import Testing

/// Every request a worker sends to the coordination cluster, checked against the OpenSearch API specification (path,
/// method, parameters, body schema), while a real osmem-server answers: real OpenSearch refuses an unknown parameter.
@Suite struct CoordinationRequestsTests {
    /// A transport that checks each request against the specification and has osmem answer it.
    static func checkedTransport(_ server: OsmemServer, through client: SearchClient) -> InMemoryTransport {
        InMemoryTransport { request in
            let (path, query) = split(request.target)
            do {
                let response = try await client.send(
                    HTTPMethod(rawValue: request.method), path, query: query, body: request.body.isEmpty ? nil : request.body,
                    contentType: request.header("Content-Type") ?? "application/json", retries: RetrySettings(maxAttempts: 1))
                return .body(
                    response.status, contentType: response.headers.first(name: "Content-Type") ?? "application/json",
                    String(decoding: response.bytes, as: UTF8.self))
            } catch {
                return .failure(error as? TernError ?? TernError(.connection, "\(error)"))
            }
        }
    }

    static func split(_ target: String) -> (String, [(String, String)]) {
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        let query = (parts.count > 1 ? parts[1] : "").split(separator: "&").map { pair -> (String, String) in
            let sides = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            return (sides[0], sides.count > 1 ? sides[1] : "")
        }
        // The path goes on as it came (an id with a slash stays %2F); query values are encoded again by the client.
        return (parts[0], query)
    }

    @Test func aWorkersRequestsAreAllOnesOpenSearchAccepts() async throws {
        try await OsmemServer.with { server in
            try await SearchClient.withClient(server.configuration(role: "upstream"), logger: Logger(label: "test")) { upstream in
                let transport = Self.checkedTransport(server, through: upstream)
                let client = transport.client(role: "coordination")
                // A lease long enough that a loaded machine renews within it (a holder stops at 3/4 of it unrenewed).
                let settings = CoordinationSettings(lease: .seconds(3), poll: .milliseconds(50), giveUp: .seconds(10), worker: "w1")
                let worker = Coordinator(
                    index: CoordinationIndex(client: client, runName: "spec"), settings: settings, logger: Logger(label: "test"))
                let other = Coordinator(
                    index: CoordinationIndex(client: client, runName: "spec"),
                    settings: CoordinationSettings(lease: .seconds(3), poll: .milliseconds(50), giveUp: .seconds(10), worker: "w2"),
                    logger: Logger(label: "test"))
                let plan = Coordinator.Plan(
                    items: [("a/slice-0-of-2", ["kind": "slice"], 5), ("a/slice-1-of-2", ["kind": "slice"], 5)], versioning: "none",
                    estimatedDocuments: 10)
                _ = try await worker.join(runKey: "k", description: "spec") { plan }
                _ = try await other.join(runKey: "k", description: "spec") { plan }
                guard case .item(let first) = try await worker.claim(), case .item(let second) = try await worker.claim() else {
                    Issue.record("the worker could not claim both items")
                    return
                }
                #expect(try await first.renew(checkpoint: 3, counts: WorkItem.Counts(read: 3)))
                #expect(try await first.finish(counts: WorkItem.Counts(read: 5, written: 5), seconds: 0.1, deadLetters: nil))
                // The other worker takes the second item over once its lease lapsed.
                #expect(try await other.claim().isWait)
                try await Task.sleep(for: .milliseconds(3500))
                guard case .item(let takenOver) = try await other.claim() else {
                    Issue.record("no takeover")
                    return
                }
                #expect(try await second.finish(counts: WorkItem.Counts(read: 5), seconds: 0.1, deadLetters: nil) == false)
                #expect(try await takenOver.finish(counts: WorkItem.Counts(read: 5, written: 5), seconds: 0.1, deadLetters: nil))
                #expect(try await worker.claim().isFinished)
                await worker.recordItem(documents: 5, lost: false)
                await worker.recordEnd(.finished, reason: nil)
                let reader = SharedBackfillReader(client: client)
                #expect(try await reader.runNames() == ["spec"])
                let status = try #require(try await reader.status(runName: "spec"))
                #expect(status.done == 2 && status.pending == 0 && status.leased.isEmpty && status.documentsRead == 10)
                #expect(status.workers.map(\.worker).sorted() == ["w1", "w2"])
                try await client.shutdown()
                let paths = Set(transport.requests.map { "\($0.method) \($0.path)" })
                // The shapes checked above: index creation, plan and item writes, searches, reads, refreshes, listing.
                for expected in [
                    "PUT /.tern-coordination-spec", "PUT /.tern-coordination-spec/_create/plan", "POST /_bulk",
                    "POST /.tern-coordination-spec/_search", "GET /.tern-coordination-spec/_doc/plan",
                    "POST /.tern-coordination-spec/_refresh",
                    "HEAD /.tern-coordination-spec", "GET /_cat/indices/.tern-coordination-*",
                ] {
                    #expect(paths.contains(expected), "\(expected) was not sent")
                }
                #expect(transport.requests.contains { $0.target.contains("if_seq_no=") && $0.target.contains("if_primary_term=") })
            }
        }
    }

    @Test func theStatusOfAPlanBeingMadeAndOfWorkersAtWork() {
        var plan = PlanRecord(runKey: "k", description: "a -> b", generation: "g", owner: "w1", leaseToken: "t", leaseMilliseconds: 1000)
        #expect(SharedBackfillStatus(index: "i", plan: plan, items: [], workers: []).plan == "planning")
        plan.state = .ready
        plan.items = 4
        plan.estimatedDocuments = 4000
        var items = (0..<4).map { WorkItem(generation: "g", key: "x/slice-\($0)-of-4", unit: [:], estimatedDocuments: 1000) }
        items[0].state = .done
        items[0].counts.read = 1000
        items[0].seconds = 10
        items[1].state = .leased
        items[1].owner = "w2"
        items[1].claims = 2
        items[1].checkpoint = 400
        items[1].counts.read = 400
        var working = WorkerRecord(worker: "w2", host: "h", pid: 1, startedAt: "s")
        working.documents = 1400
        working.seconds = 14
        var finished = WorkerRecord(worker: "w1", host: "h", pid: 2, startedAt: "s")
        finished.state = .stopped
        finished.documents = 99
        finished.seconds = 1
        let status = SharedBackfillStatus(index: "i", plan: plan, items: items, workers: [working, finished])
        #expect(status.done == 1 && status.pending == 2 && status.leased.map(\.key) == ["x/slice-1-of-4"])
        #expect(status.leased.first?.checkpoint == 400 && status.leased.first?.claims == 2)
        #expect(status.documentsRead == 1400)
        #expect(status.workers.map(\.worker) == ["w1", "w2"])
        #expect(status.workers.last?.documentsPerSecond == 100)
        // 2600 documents left at the working worker's 100 per second; the stopped one does not count.
        #expect(status.secondsLeft == 26)
    }
}
