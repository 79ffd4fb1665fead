import Logging
import NIOCore
import TernCore

extension SearchClient {
    /// The mode to use: `pit` or `scroll` as asked; for `auto`, a point in time where it is cheap and its slices are
    /// stable (OpenSearch 3.3+), else scroll.
    ///
    /// Point in time exists from OpenSearch 2.4 and Elasticsearch 7.10 (not the OSS build), but before `_shard_doc`
    /// (OpenSearch 3.3, Elasticsearch 7.12) its only unique order is `_doc` + `_id`, which loads `_id` fielddata on the
    /// heap, and Elasticsearch slices a point in time by Lucene doc id, so separately opened slices would not partition
    /// the index. Scroll slices hash `_id` on every version, so a slice can be read, and redone, on its own.
    public func effectiveReadMode(_ requested: ReadMode, for info: ClusterInfo) -> ReadMode {
        requested == .auto ? ReadDialect(info.version).autoMode : requested
    }

    /// Reads slice `slice` of `sliceCount` of `index` page by page; `body` gets each page's documents (with _seq_no,
    /// _primary_term, _version, routing, type) and returns false to stop early. Always releases the scroll/PIT.
    ///
    /// Asks the cluster who it is first (``info(retries:)``); use ``readSlice(index:slice:of:mode:options:cluster:_:)``
    /// when that is known.
    /// - Returns: documents read.
    /// - Throws: `TernError`: `.indexNotFound`, `.searchContextExpired`, `.incompleteRead` (failed shards, documents
    ///   without `_source`), `.invalidArgument` (options, or a mode the cluster cannot serve), or an HTTP failure.
    public func readSlice(
        index: String, slice: Int, of sliceCount: Int, mode: ReadMode, options: LiveReadOptions,
        _ body: ([Document]) async throws -> Bool
    ) async throws -> Int {
        let cluster = try await info()
        return try await readSlice(index: index, slice: slice, of: sliceCount, mode: mode, options: options, cluster: cluster, body)
    }

    /// ``readSlice(index:slice:of:mode:options:_:)`` for a cluster whose version is already known.
    public func readSlice(
        index: String, slice: Int, of sliceCount: Int, mode: ReadMode, options: LiveReadOptions, cluster: ClusterInfo,
        _ body: ([Document]) async throws -> Bool
    ) async throws -> Int {
        try await withSlicePages(index: index, slice: slice, of: sliceCount, mode: mode, options: options, cluster: cluster) { pages in
            var read = 0
            for try await page in pages {
                read += page.count
                guard try await body(page.map(\.document)) else { break }
            }
            return read
        }
    }

    /// Runs `body` with slice `slice` of `sliceCount` of `index` as an `AsyncSequence` of pages, and releases the
    /// scroll or point in time when `body` returns or throws, whether or not it read every page. Each page's documents
    /// (with _seq_no, _primary_term, _version, routing, type) carry their `_source` as a slice of the answer they came
    /// in: nothing is copied. The next page is requested while `body` handles one.
    /// - Throws: what `body` throws, and from the sequence: `TernError` `.indexNotFound`, `.searchContextExpired`,
    ///   `.incompleteRead` (failed shards, documents without `_source`), `.invalidArgument` (options, or a mode the
    ///   cluster cannot serve), or an HTTP failure.
    public func withSlicePages<Result>(
        index: String, slice: Int, of sliceCount: Int, mode: ReadMode, options: LiveReadOptions, cluster: ClusterInfo,
        _ body: (LiveSlicePages) async throws -> Result
    ) async throws -> Result {
        let reader = try LiveReader(
            client: self, index: index, slice: slice, of: sliceCount, mode: effectiveReadMode(mode, for: cluster), options: options,
            cluster: cluster)
        let cursor = LiveCursor(reader: reader)
        let result: Result
        do {
            result = try await body(LiveSlicePages(cursor: cursor))
        } catch {
            // Failing anyway: no reason to wait for a page nobody will read, only for the id it may carry.
            await cursor.release(abandoning: true)
            throw error
        }
        await cursor.release(abandoning: false)
        return result
    }

    /// Documents matching `query` in `index` (`_count`), for progress and verification.
    public func documentCount(index: String, query: [UInt8]?) async throws -> Int64 {
        if let query, !HitsScanner.isSingleObject(query) {
            throw TernError(
                .invalidArgument, "The query for index '\(index)' is not one JSON object; write it like {\"term\":{\"status\":\"active\"}}."
            )
        }
        let path = "/\(Self.encode(index))/_count"
        let body = query.map { Array(#"{"query":"#.utf8) + $0 + [UInt8(ascii: "}")] }
        let response = try await send(.POST, path, body: body)
        guard response.isSuccess else {
            throw try LiveReader.failure(response, client: self, method: "POST", path: path, index: index)
        }
        guard let json = response.json(), let count = json["count"]?.intValue else {
            throw TernError(
                .badResponse, "The \(displayName) answered POST \(path) without a count (\(Self.describeBody(response))).")
        }
        if let failed = json.value(at: "_shards.failed")?.intValue, failed > 0 {
            throw TernError(
                .incompleteRead,
                "\(failed) shard(s) of index '\(index)' failed to count on the \(displayName); the count would be low, so it is not used. Check the cluster's health."
            )
        }
        return count
    }
}

/// One slice of one index read page by page, with the request shapes of the cluster's version.
struct LiveReader: Sendable {
    let client: SearchClient
    let index: String
    let slice: Int
    let sliceCount: Int
    /// `pit` or `scroll`, never `auto`.
    let mode: ReadMode
    let options: LiveReadOptions
    let cluster: ClusterInfo
    let dialect: ReadDialect

    init(
        client: SearchClient, index: String, slice: Int, of sliceCount: Int, mode: ReadMode, options: LiveReadOptions,
        cluster: ClusterInfo
    ) throws {
        self.client = client
        self.index = index
        self.slice = slice
        self.sliceCount = sliceCount
        self.mode = mode
        self.options = options
        self.cluster = cluster
        self.dialect = ReadDialect(cluster.version)
        try validate()
    }

    /// One page, ready to hand on.
    struct Page: Sendable {
        var documents: [BulkDocument] = []
        var scrollID: String?
        var pitID: String?
        /// The `sort` of the last hit: where the next `search_after` page starts.
        var lastSort: [UInt8]?
    }

    private var encodedIndex: String { SearchClient.encode(index) }

    private var sliceName: String { sliceCount > 1 ? " (slice \(slice + 1) of \(sliceCount))" : "" }

    /// The first scroll page.
    fileprivate func openScroll() async throws -> Page {
        try await fetch(
            "/\(encodedIndex)/_search", query: [("scroll", options.keepAlive)],
            body: dialect.searchBody(
                pageSize: options.pageSize, slice: slice, of: sliceCount, query: options.query, pointInTime: nil, searchAfter: nil))
    }

    fileprivate func nextScrollPage(_ id: String) async throws -> Page {
        let request = Array(#"{"scroll":\#(RequestJSON.quoted(options.keepAlive)),"scroll_id":\#(RequestJSON.quoted(id))}"#.utf8)
        return try await fetch("/_search/scroll", query: [], body: request)
    }

    /// Opens a point in time and returns its id.
    fileprivate func openPointInTime() async throws -> String {
        guard var open = dialect.openPointInTime(index: encodedIndex, keepAlive: options.keepAlive) else {
            throw TernError(
                .invalidArgument,
                "The \(client.displayName) runs \(cluster.version.displayName), which has no point-in-time API (Elasticsearch 7.10+ outside the OSS build, OpenSearch 2.4+); read index '\(index)' with mode scroll or auto."
            )
        }
        if dialect.pointInTime == .opensearch {
            // A partial point in time would silently leave out the documents of its missing shards.
            open.query.append(("allow_partial_pit_creation", "false"))
        }
        let opened = try await fetch(open.path, query: open.query, body: nil)
        guard let pitID = opened.pitID else {
            throw TernError(.badResponse, "The \(client.displayName) opened a point in time on index '\(index)' but sent no id.")
        }
        return pitID
    }

    fileprivate func pointInTimePage(_ id: String, after sort: [UInt8]?) async throws -> Page {
        try await fetch(
            "/_search", query: [],
            body: dialect.searchBody(
                pageSize: options.pageSize, slice: slice, of: sliceCount, query: options.query, pointInTime: (id, options.keepAlive),
                searchAfter: sort))
    }

    // MARK: Pages

    /// POSTs one request and turns the answer into documents, or into the error a person can act on.
    private func fetch(_ path: String, query: [(String, String)], body: [UInt8]?) async throws -> Page {
        let response = try await client.send(.POST, path, query: query, body: body)
        guard response.isSuccess else {
            if Self.isExpiredContext(String(decoding: response.body.readableBytesView, as: UTF8.self)) {
                throw expired()
            }
            throw try Self.failure(response, client: client, method: "POST", path: path, index: index)
        }
        let body = response.body
        let scanned = try body.withUnsafeReadableBytes { raw in
            let scanned: HitsScanner.Page
            do {
                scanned = try HitsScanner.scan(raw)
            } catch let failure as HitsScanner.Failure {
                throw TernError(
                    .badResponse,
                    "The \(client.displayName) answered POST \(path) for index '\(index)' with a body that is not a readable search answer (\(failure)); retry, and check the cluster's logs if it repeats."
                )
            }
            try check(scanned, raw: raw, path: path)
            return scanned
        }
        // The scanner's ranges count from the first readable byte; each source is a slice of the answer, not a copy.
        let base = body.readerIndex
        var page = Page(scrollID: scanned.scrollID, pitID: scanned.pitID ?? scanned.id)
        page.documents.reserveCapacity(scanned.hits.count)
        for hit in scanned.hits {
            guard let id = hit.id else {
                throw TernError(.badResponse, "The \(client.displayName) sent a hit of index '\(index)' without an _id.")
            }
            // `check` refused pages with hits lacking `_source`.
            guard let source = hit.source, let bytes = body.getSlice(at: base + source.lowerBound, length: source.count) else { continue }
            page.documents.append(
                BulkDocument(
                    index: hit.index ?? index, id: id, type: dialect.documentType(hit.type), routing: hit.routing,
                    seqNo: hit.seqNo, primaryTerm: hit.primaryTerm, version: hit.version, source: bytes))
        }
        if let sort = scanned.hits.last?.sort {
            page.lastSort = body.getBytes(at: base + sort.lowerBound, length: sort.count)
        }
        return page
    }

    /// Refuses answers that would make the read incomplete without saying so.
    private func check(_ page: HitsScanner.Page, raw: UnsafeRawBufferPointer, path: String) throws {
        if page.failedShards > 0 {
            let failures = page.shardFailures.map { String(decoding: UnsafeRawBufferPointer(rebasing: raw[$0]), as: UTF8.self) } ?? ""
            if Self.isExpiredContext(failures) { throw expired() }
            let reason = page.shardFailures.flatMap { try? JSONValue.parse(UnsafeRawBufferPointer(rebasing: raw[$0])) }
                .flatMap { Self.firstReason(of: $0) }
            throw TernError(
                .incompleteRead,
                "\(page.failedShards) shard(s) failed while reading index '\(index)'\(sliceName) from the \(client.displayName)\(reason.map { " (\($0))" } ?? ""); the read stops rather than miss their documents. Check the cluster's health and retry."
            )
        }
        if page.timedOut {
            throw TernError(
                .incompleteRead,
                "The \(client.displayName) timed out on POST \(path) for index '\(index)'\(sliceName) and sent partial results; the read stops rather than miss documents. Lower the page size or retry when the cluster is less busy."
            )
        }
        let withoutSource = page.hitsWithoutSource
        if withoutSource > 0 {
            throw TernError(
                .incompleteRead,
                "\(withoutSource) of \(page.hits.count) documents in a page of index '\(index)'\(sliceName) came back without _source (the index mapping disables _source), so they cannot be copied from the live cluster; enable _source and reindex them at the source, or load them from their original data."
            )
        }
    }

    private var contextDescription: String { mode == .pit ? "point in time" : "scroll" }

    private func expired() -> TernError {
        TernError(
            .searchContextExpired,
            "The \(client.displayName) dropped the \(contextDescription) of index '\(index)'\(sliceName) between two pages (search_context_missing_exception): raise keep_alive (now \(options.keepAlive)) or lower the page size (now \(options.pageSize)) so each page is fetched and written before it expires."
        )
    }

    static func isExpiredContext(_ text: String) -> Bool {
        text.contains("search_context_missing_exception") || text.contains("No search context found")
    }

    /// The `type: reason` of the first element of `_shards.failures`.
    static func firstReason(of failures: JSONValue) -> String? {
        guard let reason = failures[0]?["reason"] else { return nil }
        if let text = reason.stringValue { return text }
        let type = reason["type"]?.stringValue.map { "\($0): " } ?? ""
        return reason["reason"]?.stringValue.map { type + $0 }
    }

    /// The error for a non-2xx answer: access, missing index, or the cluster's own reason.
    static func failure(_ response: SearchResponse, client: SearchClient, method: String, path: String, index: String) throws -> TernError {
        try client.checkAccess(response, method: method, path: path)
        if String(decoding: response.body.readableBytesView, as: UTF8.self).contains("index_not_found_exception") {
            return TernError(
                .indexNotFound,
                "The \(client.displayName) has no index or alias named '\(index)' (\(method) \(path) answered index_not_found_exception); check the index name."
            )
        }
        let reason = response.errorSummary ?? SearchClient.describeBody(response)
        return TernError(
            .httpStatus,
            "The \(client.displayName) answered \(method) \(path) for index '\(index)' with HTTP \(response.status): \(reason).")
    }

    // MARK: Release

    /// Clears a scroll. Runs even when the reading task was cancelled, so the cluster does not hold it until it expires.
    fileprivate func release(scrollID: String?) async {
        guard let scrollID else { return }
        let body = Array(#"{"scroll_id":[\#(RequestJSON.quoted(scrollID))]}"#.utf8)
        await Self.close(client: client, path: "/_search/scroll", body: body, what: "scroll of index '\(index)'")
    }

    fileprivate func release(pointInTime id: String) async {
        guard let close = dialect.closePointInTime(id: id) else { return }
        await Self.close(client: client, path: close.path, body: close.body, what: "point in time of index '\(index)'")
    }

    private static func close(client: SearchClient, path: String, body: [UInt8], what: String) async {
        // A task of its own: cancellation of the reader must not cancel the cleanup.
        await Task {
            do {
                let response = try await client.send(.DELETE, path, body: body, retries: RetrySettings(maxAttempts: 2))
                if !response.isSuccess && response.status != 404 {
                    client.logger.info(
                        "could not release the \(what); it expires on its own",
                        metadata: ["status": "\(response.status)", "reason": "\(response.errorSummary ?? "")"])
                }
            } catch {
                client.logger.info("could not release the \(what); it expires on its own", metadata: ["error": "\(error)"])
            }
        }.value
    }

    // MARK: Options

    private func validate() throws {
        let subject = "reading index '\(index)'"
        guard !index.isEmpty else { throw TernError(.invalidArgument, "No index was given to read.") }
        guard sliceCount >= 1, (0..<sliceCount).contains(slice) else {
            throw TernError(
                .invalidArgument, "Slice \(slice) of \(sliceCount) does not exist when \(subject); slices count from 0 to slices-1.")
        }
        guard options.pageSize >= 1 else {
            throw TernError(.invalidArgument, "The page size \(options.pageSize) for \(subject) must be at least 1.")
        }
        guard Self.isTimeValue(options.keepAlive) else {
            throw TernError(
                .invalidArgument, "keep_alive '\(options.keepAlive)' for \(subject) is not a duration; write it like 5m, 90s or 1h.")
        }
        if let query = options.query, !HitsScanner.isSingleObject(query) {
            throw TernError(
                .invalidArgument, "The query for \(subject) is not one JSON object; write it like {\"term\":{\"status\":\"active\"}}.")
        }
        if mode == .pit, sliceCount > 1, dialect.pointInTime != nil, !dialect.pointInTimeSlicesAreStable {
            throw TernError(
                .invalidArgument,
                "The \(client.displayName) runs \(cluster.version.displayName), which slices a point in time by Lucene document order; slices of separately opened points in time would miss or repeat documents, so read index '\(index)' in slices with mode scroll (or auto), or with one slice."
            )
        }
    }

    /// Elasticsearch time values: a number and a unit (`d`, `h`, `m`, `s`, `ms`, `micros`, `nanos`).
    static func isTimeValue(_ text: String) -> Bool {
        guard let unitStart = text.firstIndex(where: { !$0.isASCII || !$0.isNumber }), unitStart != text.startIndex else { return false }
        return ["d", "h", "m", "s", "ms", "micros", "nanos"].contains(String(text[unitStart...]))
    }
}

/// The pages of one slice of one index, as an `AsyncSequence`: each element is a page's documents, their sources slices
/// of the answer they came in. Made by ``SearchClient/withSlicePages(index:slice:of:mode:options:cluster:_:)``, which
/// releases the scroll or point in time afterwards; iterate it once, inside that call.
public struct LiveSlicePages: AsyncSequence {
    public typealias Element = [BulkDocument]

    let cursor: LiveCursor

    public func makeAsyncIterator() -> Iterator {
        Iterator(cursor: cursor)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let cursor: LiveCursor

        public mutating func next() async throws -> [BulkDocument]? {
            try await cursor.next()
        }
    }
}

/// Where a slice's read stands: the cursor ids to use and to release, and the page requested ahead.
final class LiveCursor {
    private let reader: LiveReader
    private var state = State.start
    /// The newest scroll id (a cluster may renew it on any page).
    private var scrollID: String?
    /// The newest point-in-time id (Elasticsearch may renew it on any page); the one to use and to close.
    private var pitID: String?

    private enum State {
        case start
        /// The next page, requested while the caller handles the one before, so the source works while the caller writes.
        case ahead(Prefetch)
        case finished
    }

    init(reader: LiveReader) {
        self.reader = reader
    }

    /// The next page's documents; nil after the last page.
    func next() async throws -> [BulkDocument]? {
        let pending = state
        // Whatever happens below, a failed or last page ends the read.
        state = .finished
        switch pending {
        case .finished:
            return nil
        case .start:
            if reader.mode == .pit {
                pitID = try await reader.openPointInTime()
                return try accept(try await reader.pointInTimePage(pitID!, after: nil))
            }
            return try accept(try await reader.openScroll())
        case .ahead(let prefetch):
            return try accept(try await prefetch.page)
        }
    }

    /// Takes a page's cursor ids, asks for the page after it, and hands its documents on (nil when it is empty).
    private func accept(_ page: LiveReader.Page) throws -> [BulkDocument]? {
        scrollID = page.scrollID ?? scrollID
        pitID = page.pitID ?? pitID
        guard !page.documents.isEmpty else { return nil }
        let reader = reader
        if reader.mode == .pit {
            guard let sort = page.lastSort, let id = pitID else {
                throw TernError(
                    .badResponse,
                    "The \(reader.client.displayName) sent a page of index '\(reader.index)' whose last hit has no sort values.")
            }
            state = .ahead(Prefetch { try await reader.pointInTimePage(id, after: sort) })
        } else {
            guard let id = scrollID else {
                throw TernError(
                    .badResponse, "The \(reader.client.displayName) sent a scroll page of index '\(reader.index)' without a _scroll_id.")
            }
            state = .ahead(Prefetch { try await reader.nextScrollPage(id) })
        }
        return page.documents
    }

    /// Releases the scroll or point in time. A page still on its way is awaited first (cancelled when `abandoning`): it
    /// may carry a renewed id, the one to release.
    func release(abandoning: Bool) async {
        if case .ahead(let prefetch) = state {
            if abandoning { prefetch.task.cancel() }
            if let page = try? await prefetch.task.value {
                scrollID = page.scrollID ?? scrollID
                pitID = page.pitID ?? pitID
            }
        }
        state = .finished
        if reader.mode == .pit {
            if let pitID { await reader.release(pointInTime: pitID) }
        } else {
            await reader.release(scrollID: scrollID)
        }
        scrollID = nil
        pitID = nil
    }

    /// A page requested ahead.
    private struct Prefetch: Sendable {
        let task: Task<LiveReader.Page, any Error>

        init(_ fetch: @escaping @Sendable () async throws -> LiveReader.Page) {
            task = Task(operation: fetch)
        }

        /// The page; cancelling the waiting task cancels the request.
        var page: LiveReader.Page {
            get async throws {
                try await withTaskCancellationHandler {
                    try await task.value
                } onCancel: {
                    task.cancel()
                }
            }
        }
    }
}
