import Foundation
import Logging
import TernCore
import TernTestSupport
import Testing

@testable import SearchClient

/// The live reader against a real osmem-server (OpenSearch 3.8.0 compatible): point in time and sliced scroll, filters,
/// empty and missing indices, early stops, expired contexts, and the server answering as Elasticsearch 7.10.2.
@Suite struct LiveReaderOsmemTests {
    let logger = Logger(label: "test")

    /// Documents with awkward ids, routing on some, and sources with escapes, brackets in strings, nesting and numbers.
    static func corpus(_ count: Int) -> [OsmemServer.SeedDocument] {
        (0..<count).map { n in
            let id = n % 7 == 0 ? "q\"uote/é😀-\(n)" : "doc-\(n)"
            let source = """
                {"n":\(n),"status":"\(n % 2 == 0 ? "active" : "idle")","text":"line \\"\(n)\\" ]}[{","nested":{"a":[\(n),\(n + 1)],"o":{"b":null,"c":[]},"e":{}},"f":1.5}
                """
            return OsmemServer.SeedDocument(id: id, source: source, routing: n % 3 == 0 ? "tenant-\(n % 5)" : nil)
        }
    }

    func prepare(_ server: OsmemServer, index: String = "books", count: Int) async throws -> [OsmemServer.SeedDocument] {
        try await server.createIndex(index, body: #"{"settings":{"number_of_shards":3}}"#)
        let documents = Self.corpus(count)
        try await server.seed(index: index, documents: documents)
        return documents
    }

    /// Reads all `slices` concurrently and returns every document handed to the bodies.
    func readAll(
        _ client: SearchClient, index: String = "books", mode: ReadMode, slices: Int,
        options: LiveReadOptions = LiveReadOptions(pageSize: 100),
        cluster: ClusterInfo? = nil
    ) async throws -> [Document] {
        try await withThrowingTaskGroup(of: [Document].self) { group in
            for slice in 0..<slices {
                group.addTask {
                    var documents: [Document] = []
                    let read: Int
                    if let cluster {
                        read = try await client.readSlice(
                            index: index, slice: slice, of: slices, mode: mode, options: options, cluster: cluster
                        ) {
                            documents += $0
                            return true
                        }
                    } else {
                        read = try await client.readSlice(index: index, slice: slice, of: slices, mode: mode, options: options) {
                            documents += $0
                            return true
                        }
                    }
                    #expect(read == documents.count)
                    return documents
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// Every seeded document read exactly once, with its routing, a source equal as JSON, and its versioning fields.
    func expectExactly(_ read: [Document], _ seeded: [OsmemServer.SeedDocument], _ comment: Comment) throws {
        #expect(read.count == seeded.count, comment)
        #expect(Set(read.map(\.id)).count == read.count, "no document twice: \(comment)")
        let byID = Dictionary(uniqueKeysWithValues: read.map { ($0.id, $0) })
        for expected in seeded {
            guard let document = byID[expected.id] else {
                Issue.record("missing \(expected.id): \(comment)")
                continue
            }
            #expect(try JSONValue.parse(document.source) == JSONValue.parse(Array(expected.source.utf8)), "\(expected.id): \(comment)")
            #expect(document.routing == expected.routing, "\(expected.id): \(comment)")
            #expect(document.index == "books" && document.type == nil)
            #expect(document.seqNo != nil && document.primaryTerm != nil && document.version == 1, "\(expected.id): \(comment)")
        }
    }

    func ternError(_ body: () async throws -> Void) async -> TernError? {
        do {
            try await body()
            return nil
        } catch let error as TernError {
            return error
        } catch {
            Issue.record("expected a TernError, got \(error)")
            return nil
        }
    }

    // MARK: Completeness

    @Test(arguments: [ReadMode.pit, .scroll])
    func readsEveryDocumentOnceInEverySliceCount(mode: ReadMode) async throws {
        try await OsmemServer.with { server in
            let seeded = try await prepare(server, count: 1_200)
            try await SearchClient.withClient(server.configuration(role: "source"), logger: logger) { client in
                let cluster = try await client.info()
                for slices in [1, 2, 4] {
                    let read = try await readAll(client, mode: mode, slices: slices, cluster: cluster)
                    try expectExactly(read, seeded, "\(mode) with \(slices) slice(s)")
                }
                #expect(try await client.documentCount(index: "books", query: nil) == 1_200)
                #expect(try await server.openPointsInTime() == 0)
                #expect(try await server.clearAllScrolls() == 0)
            }
        }
    }

    @Test(arguments: [ReadMode.pit, .scroll])
    func readsOnlyWhatTheQueryMatches(mode: ReadMode) async throws {
        try await OsmemServer.with { server in
            let seeded = try await prepare(server, count: 300)
            let query = Array(#"{"term":{"status":"active"}}"#.utf8)
            try await SearchClient.withClient(server.configuration(role: "source"), logger: logger) { client in
                let read = try await readAll(client, mode: mode, slices: 2, options: LiveReadOptions(pageSize: 40, query: query))
                try expectExactly(read, seeded.filter { $0.source.contains(#""status":"active""#) }, "\(mode) filtered")
                #expect(try await client.documentCount(index: "books", query: query) == 150)
            }
        }
    }

    @Test(arguments: [ReadMode.pit, .scroll])
    func readsAnEmptyIndex(mode: ReadMode) async throws {
        try await OsmemServer.with { server in
            try await server.createIndex("empty", body: #"{"settings":{"number_of_shards":2}}"#)
            try await SearchClient.withClient(server.configuration(role: "source"), logger: logger) { client in
                for slices in [1, 2] {
                    for slice in 0..<slices {
                        let read = try await client.readSlice(
                            index: "empty", slice: slice, of: slices, mode: mode, options: LiveReadOptions()
                        ) { _ in
                            Issue.record("no page expected from an empty index")
                            return true
                        }
                        #expect(read == 0)
                    }
                }
                #expect(try await client.documentCount(index: "empty", query: nil) == 0)
                #expect(try await server.openPointsInTime() == 0)
                #expect(try await server.clearAllScrolls() == 0)
            }
        }
    }

    @Test(arguments: [ReadMode.pit, .scroll])
    func pagesCarryTheirSourcesAsSlicesOfTheAnswer(mode: ReadMode) async throws {
        try await OsmemServer.with { server in
            let seeded = try await prepare(server, count: 250)
            try await SearchClient.withClient(server.configuration(role: "source"), logger: logger) { client in
                let cluster = try await client.info()
                var read: [Document] = []
                try await client.withSlicePages(
                    index: "books", slice: 0, of: 1, mode: mode, options: LiveReadOptions(pageSize: 100), cluster: cluster
                ) { pages in
                    for try await page in pages {
                        // Every source of a page lies in a storage that holds the whole page (the answer it came in): none
                        // was copied out into a buffer of its own.
                        let pageBytes = page.reduce(0) { $0 + $1.source.readableBytes }
                        #expect(page.allSatisfy { $0.source.storageCapacity >= pageBytes })
                        read += page.map(\.document)
                    }
                }
                try expectExactly(read, seeded, "\(mode) as pages")
                // Leaving the sequence early, or with an error, releases the cursor too.
                try await client.withSlicePages(
                    index: "books", slice: 0, of: 1, mode: mode, options: LiveReadOptions(pageSize: 50), cluster: cluster
                ) { pages in
                    for try await _ in pages { break }
                }
                struct Stop: Error {}
                await #expect(throws: Stop.self) {
                    try await client.withSlicePages(
                        index: "books", slice: 0, of: 1, mode: mode, options: LiveReadOptions(pageSize: 50), cluster: cluster
                    ) { pages in
                        for try await _ in pages { throw Stop() }
                    }
                }
                #expect(try await server.openPointsInTime() == 0)
                #expect(try await server.clearAllScrolls() == 0)
            }
        }
    }

    // MARK: Failures

    @Test(arguments: [ReadMode.pit, .scroll])
    func aMissingIndexIsNamed(mode: ReadMode) async throws {
        try await OsmemServer.with { server in
            try await SearchClient.withClient(server.configuration(role: "source"), logger: logger) { client in
                let error = await ternError {
                    _ = try await client.readSlice(index: "no-such-index", slice: 0, of: 1, mode: mode, options: LiveReadOptions()) { _ in
                        true
                    }
                }
                #expect(error?.kind == .indexNotFound)
                #expect(error?.message.contains("'no-such-index'") == true, "\(error?.message ?? "")")
                let countError = await ternError { _ = try await client.documentCount(index: "no-such-index", query: nil) }
                #expect(countError?.kind == .indexNotFound)
            }
        }
    }

    @Test(arguments: [ReadMode.pit, .scroll])
    func anExpiredContextSaysToRaiseKeepAlive(mode: ReadMode) async throws {
        try await OsmemServer.with { server in
            _ = try await prepare(server, count: 60)
            try await SearchClient.withClient(server.configuration(role: "source"), logger: logger) { client in
                let error = await ternError {
                    _ = try await client.readSlice(
                        index: "books", slice: 0, of: 1, mode: mode, options: LiveReadOptions(pageSize: 20, keepAlive: "1s")
                    ) { _ in
                        try await Task.sleep(for: .milliseconds(2_500))
                        return true
                    }
                }
                #expect(error?.kind == .searchContextExpired)
                #expect(error?.message.contains("keep_alive") == true && error?.message.contains("page size") == true)
            }
        }
    }

    @Test func refusesReadsTheClusterCannotServeCorrectly() async throws {
        try await OsmemServer.with { server in
            try await SearchClient.withClient(server.configuration(role: "source"), logger: logger) { client in
                let elasticsearch8 = ClusterInfo(
                    clusterName: "c", clusterUUID: nil, version: ClusterVersion(.elasticsearch, SemanticVersion(8, 15, 0)))
                let sliced = await ternError {
                    _ = try await client.readSlice(
                        index: "books", slice: 0, of: 2, mode: .pit, options: LiveReadOptions(), cluster: elasticsearch8
                    ) { _ in true }
                }
                #expect(sliced?.kind == .invalidArgument && sliced?.message.contains("scroll") == true)

                let oss = ClusterInfo(
                    clusterName: "c", clusterUUID: nil, version: ClusterVersion(.elasticsearchOSS, SemanticVersion(7, 10, 2)))
                let noPIT = await ternError {
                    _ = try await client.readSlice(index: "books", slice: 0, of: 1, mode: .pit, options: LiveReadOptions(), cluster: oss) {
                        _ in true
                    }
                }
                #expect(noPIT?.kind == .invalidArgument && noPIT?.message.contains("no point-in-time API") == true)

                for options in [LiveReadOptions(pageSize: 0), LiveReadOptions(keepAlive: "soon"), LiveReadOptions(query: Array("{".utf8))] {
                    let error = await ternError {
                        _ = try await client.readSlice(index: "books", slice: 0, of: 1, mode: .scroll, options: options, cluster: oss) {
                            _ in true
                        }
                    }
                    #expect(error?.kind == .invalidArgument)
                }
                let badSlice = await ternError {
                    _ = try await client.readSlice(index: "books", slice: 2, of: 2, mode: .scroll, options: LiveReadOptions(), cluster: oss)
                    { _ in true }
                }
                #expect(badSlice?.kind == .invalidArgument)
            }
        }
    }

    // MARK: Release

    @Test(arguments: [ReadMode.pit, .scroll])
    func stoppingEarlyReleasesTheContext(mode: ReadMode) async throws {
        try await OsmemServer.with { server in
            let seeded = try await prepare(server, count: 500)
            try await SearchClient.withClient(server.configuration(role: "source"), logger: logger) { client in
                for slices in [1, 2] {
                    for slice in 0..<slices {
                        var pages = 0
                        let read = try await client.readSlice(
                            index: "books", slice: slice, of: slices, mode: mode, options: LiveReadOptions(pageSize: 50)
                        ) { page in
                            pages += 1
                            return false
                        }
                        #expect(pages == 1 && read == 50)
                    }
                }
                struct Stop: Error {}
                await #expect(throws: Stop.self) {
                    _ = try await client.readSlice(index: "books", slice: 0, of: 1, mode: mode, options: LiveReadOptions(pageSize: 50)) {
                        _ in
                        throw Stop()
                    }
                }
                // osmem lists points in time, and clearing all scrolls reports how many were still open.
                #expect(try await server.openPointsInTime() == 0)
                #expect(try await server.clearAllScrolls() == 0)
                try expectExactly(try await readAll(client, mode: mode, slices: 2), seeded, "a full read after early stops")
            }
        }
    }

    // MARK: Version detection

    @Test func answersAsElasticsearch7102ButReadsAsOpenSearch() async throws {
        try await OsmemServer.with { server in
            let seeded = try await prepare(server, count: 400)
            try await server.putClusterSetting("compatibility.override_main_response_version", "true")
            try await SearchClient.withClient(server.configuration(role: "source"), logger: logger) { client in
                let info = try await client.info()
                #expect(info.reportedVersion == "7.10.2" && info.version.distribution == .opensearch)
                #expect(client.effectiveReadMode(.auto, for: info) == .pit)
                // The detected real version picks the OpenSearch point-in-time API; Elasticsearch's would 404 here.
                try expectExactly(try await readAll(client, mode: .auto, slices: 2), seeded, "auto on OpenSearch answering as 7.10.2")

                // Taken at its word (Elasticsearch 7.10.2), auto falls back to scroll, which every version serves.
                let asReported = ClusterInfo(
                    clusterName: "c", clusterUUID: nil, version: ClusterVersion(.elasticsearch, SemanticVersion(7, 10, 2)))
                #expect(client.effectiveReadMode(.auto, for: asReported) == .scroll)
                try expectExactly(
                    try await readAll(client, mode: .auto, slices: 2, cluster: asReported), seeded, "auto on a reported 7.10.2")
                #expect(try await server.openPointsInTime() == 0)
            }
        }
    }

    // MARK: Throughput (informational)

    /// `TERN_READ_BENCH=20000 swift test --filter LiveReaderOsmemTests/throughput` prints docs/s per mode and slice count.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TERN_READ_BENCH"] != nil))
    func throughput() async throws {
        let count = Int(ProcessInfo.processInfo.environment["TERN_READ_BENCH"] ?? "") ?? 20_000
        // The scanner alone, on a page of 1,000 hits like the corpus's, to show how far the client is from the bottleneck.
        let hits = Self.corpus(1_000).map { document in
            #"{"_index":"books","_id":\#(RequestJSON.quoted(document.id)),"_version":1,"_seq_no":7,"_primary_term":1,"_score":null,"_source":\#(document.source),"sort":[12]}"#
        }
        let page = Array(
            #"{"_scroll_id":"abc","took":3,"timed_out":false,"hits":{"total":{"value":1000,"relation":"eq"},"hits":[\#(hits.joined(separator: ","))]}}"#
                .utf8)
        let scanStarted = ContinuousClock.now
        for _ in 0..<50 { #expect(try HitsScanner.scan(page).hits.count == 1_000) }
        let scanSeconds = (ContinuousClock.now - scanStarted) / .seconds(1)
        print("scan: \(Int(Double(50 * page.count) / scanSeconds / 1_000_000)) MB/s, \(Int(50_000 / scanSeconds)) hits/s")
        try await OsmemServer.with { server in
            let seeded = try await prepare(server, count: count)
            try await SearchClient.withClient(server.configuration(role: "source"), logger: logger) { client in
                let cluster = try await client.info()
                for mode in [ReadMode.scroll, .pit] {
                    for slices in [1, 2, 4] {
                        let started = ContinuousClock.now
                        let read = try await readAll(
                            client, mode: mode, slices: slices, options: LiveReadOptions(pageSize: 1000), cluster: cluster)
                        let seconds = (ContinuousClock.now - started) / .seconds(1)
                        #expect(read.count == seeded.count)
                        print(
                            "read \(mode) x\(slices): \(read.count) docs in \(String(format: "%.2f", seconds)) s = \(Int(Double(read.count) / seconds)) docs/s"
                        )
                    }
                }
            }
        }
    }
}
