import Foundation
import NIOCore
import SearchClient
import TernCore

/// The coordination index of one shared backfill, on the target or a separate cluster: plan, items and workers as
/// documents, every change of a lease a conditional write (`if_seq_no`/`if_primary_term`), so that the cluster decides
/// which of two workers wins.
///
/// Requests are sent once; a busy or unreachable cluster surfaces as ``CoordinationIndex/Unavailable`` and the caller
/// decides how long to keep trying (a lease holder only until its lease's deadline).
public struct CoordinationIndex: Sendable {
    public let client: SearchClient
    public let name: String
    /// Requests sent and time spent waiting for them: what coordinating costs a worker.
    public let meter = CoordinationMeter()

    /// The cluster is busy (429, 5xx) or cannot be reached: the same request may go again later.
    public struct Unavailable: Error, Sendable {
        public var reason: String
    }

    /// What a conditional write did.
    public enum WriteResult: Sendable, Equatable {
        case applied(LeaseBook.Version)
        /// Another write came first (409).
        case conflict
    }

    /// Every coordination index starts with this; `tern validate` and the metadata step leave such indices out.
    public static let prefix = IndexSelection.coordinationPrefix

    public init(client: SearchClient, runName: String) {
        self.client = client
        self.name = Self.prefix + runName
    }

    private static let once = RetrySettings(maxAttempts: 1)

    /// Creates the index unless it exists: one shard, hidden, items' fields mapped for the claims' queries.
    public func create() async throws {
        let settings: JSONValue = .object([
            "number_of_shards": .int(1), "auto_expand_replicas": .string("0-1"), "hidden": .bool(true),
        ])
        let mappings: JSONValue = .object([
            "dynamic": .bool(false),
            "properties": .object([
                "type": .object(["type": .string("keyword")]), "generation": .object(["type": .string("keyword")]),
                "key": .object(["type": .string("keyword")]), "state": .object(["type": .string("keyword")]),
                "order": .object(["type": .string("long")]), "owner": .object(["type": .string("keyword")]),
                "worker": .object(["type": .string("keyword")]),
            ]),
        ])
        var body: JSONValue = .object(["settings": .object(["index": settings]), "mappings": mappings])
        var response = try await send(.PUT, "/\(name)", body: try encode(body))
        if response.status == 400, response.errorSummary?.contains("hidden") == true {
            // Elasticsearch before 7.7 has no hidden indices; the name's leading dot keeps it out of the way there.
            body = .object(["settings": .object(["index": .object(["number_of_shards": .int(1)])]), "mappings": mappings])
            response = try await send(.PUT, "/\(name)", body: try encode(body))
        }
        if response.isSuccess { return }
        if response.errorSummary?.contains("already_exists") == true || response.errorSummary?.contains("already exists") == true {
            return
        }
        throw failure(response, "create the coordination index")
    }

    /// Whether the index exists.
    public func exists() async throws -> Bool {
        let response = try await send(.HEAD, "/\(name)")
        if response.status == 404 { return false }
        if response.isSuccess { return true }
        throw failure(response, "look up the coordination index")
    }

    /// The document `id`, or nil when there is none.
    public func get<Value: Decodable & Sendable>(_ id: String, as type: Value.Type) async throws -> Versioned<Value>? {
        let response = try await send(.GET, "/\(name)/_doc/\(Self.encode(id))")
        if response.status == 404 { return nil }
        guard response.isSuccess else { throw failure(response, "read \(id)") }
        let hit = try decode(Hit<Value>.self, from: response, what: id)
        return hit.versioned
    }

    /// Writes `value` as document `id` unless one exists: nil when it did (someone else came first).
    public func create(_ id: String, _ value: some Encodable) async throws -> LeaseBook.Version? {
        let response = try await send(.PUT, "/\(name)/_create/\(Self.encode(id))", query: [("refresh", "true")], body: try encode(value))
        if response.status == 409 { return nil }
        guard response.isSuccess else { throw failure(response, "create \(id)") }
        return try decode(WriteAnswer.self, from: response, what: id).version
    }

    /// Replaces document `id` with `value` if it is still at `version`.
    public func replace(_ id: String, _ value: some Encodable, ifAt version: LeaseBook.Version) async throws -> WriteResult {
        let response = try await send(
            .PUT, "/\(name)/_doc/\(Self.encode(id))",
            query: [("if_seq_no", "\(version.seqNo)"), ("if_primary_term", "\(version.primaryTerm)"), ("refresh", "true")],
            body: try encode(value))
        if response.status == 409 { return .conflict }
        guard response.isSuccess else { throw failure(response, "update \(id)") }
        return .applied(try decode(WriteAnswer.self, from: response, what: id).version)
    }

    /// Writes document `id` whatever it holds (a worker's own record).
    public func put(_ id: String, _ value: some Encodable) async throws {
        let response = try await send(.PUT, "/\(name)/_doc/\(Self.encode(id))", body: try encode(value))
        guard response.isSuccess else { throw failure(response, "write \(id)") }
    }

    /// Creates documents in one `_bulk` (`create`: ones that exist are left as they are).
    public func createAll(_ documents: [(id: String, value: any Encodable & Sendable)]) async throws {
        guard !documents.isEmpty else { return }
        var body: [UInt8] = []
        let encoder = JSONEncoder()
        for document in documents {
            let action: JSONValue = .object(["create": .object(["_index": .string(name), "_id": .string(document.id)])])
            body += try encoder.encode(action)
            body.append(0x0A)
            body += try encoder.encode(document.value)
            body.append(0x0A)
        }
        let response = try await send(.POST, "/_bulk", query: [("refresh", "true")], body: body, contentType: "application/x-ndjson")
        guard response.isSuccess, let json = response.json() else { throw failure(response, "write the plan's items") }
        guard json["errors"]?.boolValue == true else { return }
        for item in json["items"]?.arrayValue ?? [] {
            guard let result = item["create"], let status = result["status"]?.intValue, !(200..<300).contains(status), status != 409 else {
                continue
            }
            if RetryPolicy.retryableStatuses.contains(Int(status)) {
                throw Unavailable(reason: "HTTP \(status) for an item of the plan")
            }
            throw TernError(
                .httpStatus,
                "The coordination cluster refused an item of the plan in \(name) (HTTP \(status)): \(result["error"]?["reason"]?.stringValue ?? "no reason given")."
            )
        }
    }

    /// Documents matching `query`, sorted, with their versions (one page of at most `size`).
    public func search<Value: Decodable & Sendable>(
        _ query: JSONValue, sort: JSONValue? = nil, after: [JSONValue]? = nil, size: Int, as type: Value.Type
    ) async throws -> [Versioned<Value>] {
        var body: [String: JSONValue] = ["query": query, "size": .int(Int64(size)), "seq_no_primary_term": .bool(true)]
        if let sort { body["sort"] = sort }
        if let after { body["search_after"] = .array(after) }
        let response = try await send(.POST, "/\(name)/_search", body: try encode(JSONValue.object(body)))
        guard response.isSuccess else { throw failure(response, "search the coordination index") }
        return try decode(SearchAnswer<Value>.self, from: response, what: "a search").hits.hits.map(\.versioned)
    }

    /// Every document matching `query`, page by page in the order of `sortField` (a keyword every match has, unique).
    public func all<Value: Decodable & Sendable>(
        _ query: JSONValue, as type: Value.Type, sortField: String = "key", pageSize: Int = 1000
    ) async throws -> [Versioned<Value>] {
        var results: [Versioned<Value>] = []
        var after: [JSONValue]?
        while true {
            let page = try await search(
                query, sort: .array([.object([sortField: .object(["order": .string("asc"), "unmapped_type": .string("keyword")])])]),
                after: after, size: pageSize, as: SortedHit<Value>.self)
            results += page.map { Versioned(id: $0.id, version: $0.version, value: $0.value.value) }
            guard page.count == pageSize, let last = page.last else { return results }
            after = [.string(last.value.sortKey(sortField))]
        }
    }

    /// Makes every write so far visible to searches.
    public func refresh() async throws {
        let response = try await send(.POST, "/\(name)/_refresh")
        guard response.isSuccess else { throw failure(response, "refresh the coordination index") }
    }

    /// Deletes the index (after the operator is done with the run's record).
    public func delete() async throws {
        let response = try await send(.DELETE, "/\(name)")
        guard response.isSuccess || response.status == 404 else { throw failure(response, "delete the coordination index") }
    }

    // MARK: - Plumbing

    private func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String = "application/json"
    ) async throws -> SearchResponse {
        let response: SearchResponse
        let started = ContinuousClock.now
        defer { meter.add(ContinuousClock.now - started) }
        do {
            response = try await client.send(method, path, query: query, body: body, contentType: contentType, retries: Self.once)
        } catch let error as TernError where error.exitCode == .unreachable && !Self.isPermanent(error) {
            throw Unavailable(reason: error.message)
        }
        if RetryPolicy.retryableStatuses.contains(response.status) || response.status >= 500 {
            throw Unavailable(reason: "HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")")
        }
        try client.checkAccess(response, method: "\(method)", path: path)
        return response
    }

    /// Refused credentials do not get better by waiting.
    private static func isPermanent(_ error: TernError) -> Bool {
        error.kind == .authentication || error.kind == .authorization || error.kind == .notASearchCluster || error.kind == .tls
    }

    private func failure(_ response: SearchResponse, _ what: String) -> TernError {
        TernError(
            .httpStatus,
            "The coordination cluster (\(client.displayName)) answered HTTP \(response.status) when asked to \(what) in \(name)\(response.errorSummary.map { ": \($0)" } ?? ""); if another program wrote that index, choose another --run-name."
        )
    }

    private func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }

    private func decode<T: Decodable>(_ type: T.Type, from response: SearchResponse, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
        } catch {
            throw TernError(
                .badResponse,
                "The coordination cluster (\(client.displayName)) answered for \(what) in \(name) with a document Tern cannot read (\(error)); was the index written by another program or another version of Tern?"
            )
        }
    }

    static func encode(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~:"))) ?? id
    }

    private struct WriteAnswer: Decodable {
        var seqNo: Int64
        var primaryTerm: Int64
        var version: LeaseBook.Version { LeaseBook.Version(seqNo: seqNo, primaryTerm: primaryTerm) }

        enum CodingKeys: String, CodingKey {
            case seqNo = "_seq_no"
            case primaryTerm = "_primary_term"
        }
    }

    private struct Hit<Value: Decodable & Sendable>: Decodable {
        var id: String
        var seqNo: Int64
        var primaryTerm: Int64
        var source: Value
        var versioned: Versioned<Value> {
            Versioned(id: id, version: LeaseBook.Version(seqNo: seqNo, primaryTerm: primaryTerm), value: source)
        }

        enum CodingKeys: String, CodingKey {
            case id = "_id"
            case seqNo = "_seq_no"
            case primaryTerm = "_primary_term"
            case source = "_source"
        }
    }

    private struct SearchAnswer<Value: Decodable & Sendable>: Decodable {
        struct Hits: Decodable { var hits: [Hit<Value>] }
        var hits: Hits
    }

    /// A document with its sort keys, for paging in key (items) or worker (workers) order.
    private struct SortedHit<Value: Decodable & Sendable>: Decodable, Sendable {
        var keys: SortKeys
        var value: Value

        init(from decoder: any Decoder) throws {
            keys = try SortKeys(from: decoder)
            value = try Value(from: decoder)
        }

        func sortKey(_ field: String) -> String { (field == "worker" ? keys.worker : keys.key) ?? "" }
    }

    private struct SortKeys: Decodable {
        var key: String?
        var worker: String?
    }
}
