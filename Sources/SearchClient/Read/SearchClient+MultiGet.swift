import NIOCore
import TernCore

/// Where one document lives: enough to fetch it with `_mget` (a routed document is found only with its routing).
public struct DocumentKey: Sendable, Hashable {
    public var index: String
    public var id: String
    public var routing: String?

    public init(index: String, id: String, routing: String? = nil) {
        self.index = index
        self.id = id
        self.routing = routing
    }
}

/// What `_mget` said about one document.
public enum MultiGetResult: Sendable, Equatable {
    /// The document as stored now, with its `_seq_no` (6.x and later) and `_version`, its source as the bytes sent.
    case found(Document)
    case notFound
    /// The cluster could not look it up (its index is missing or closed); the reason as the cluster put it.
    case failed(String)
}

extension SearchClient {
    /// Fetches documents by id with `_mget`: real-time (no refresh needed), unlike a search, so a replayer sees the
    /// state an acknowledged write left.
    /// - Parameters:
    ///   - keys: the documents to fetch; a few hundred per call keeps the answer small.
    ///   - cluster: who this client talks to (``info(retries:)``), for its type placeholder.
    /// - Returns: one result per key, in the same order.
    /// - Throws: `TernError` when the cluster cannot be reached or answers with something other than an `_mget` answer.
    public func multiGet(_ keys: [DocumentKey], cluster: ClusterInfo) async throws -> [MultiGetResult] {
        try await multiGet(keys, cluster: cluster, routingAsStored: false)
    }

    /// The same as ``multiGet(_:cluster:)``, except that a found document's `routing` is the routing it is stored
    /// under (nil when it has none), not the routing it was looked up with: a lookup lands in a shard, and the
    /// document found there may be stored under another routing (or none) that leads to the same shard.
    /// - Throws: `TernError` when the cluster cannot be reached or answers with something other than an `_mget` answer.
    public func multiGetAsStored(_ keys: [DocumentKey], cluster: ClusterInfo) async throws -> [MultiGetResult] {
        try await multiGet(keys, cluster: cluster, routingAsStored: true)
    }

    private func multiGet(_ keys: [DocumentKey], cluster: ClusterInfo, routingAsStored: Bool) async throws -> [MultiGetResult] {
        guard !keys.isEmpty else { return [] }
        var body = #"{"docs":["#
        for (position, key) in keys.enumerated() {
            if position > 0 { body += "," }
            body += #"{"_index":\#(RequestJSON.quoted(key.index)),"_id":\#(RequestJSON.quoted(key.id))"#
            if let routing = key.routing { body += #","routing":\#(RequestJSON.quoted(routing))"# }
            body += "}"
        }
        body += "]}"
        let response = try await send(.POST, "/_mget", body: Array(body.utf8))
        try checkAccess(response, method: "POST", path: "/_mget")
        guard response.isSuccess else {
            throw TernError(
                .httpStatus,
                "The \(displayName) answered POST /_mget with HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "").")
        }
        let dialect = ReadDialect(cluster.version)
        return try response.body.withUnsafeReadableBytes { raw in
            let page: HitsScanner.Page
            do {
                page = try HitsScanner.scan(raw)
            } catch {
                throw TernError(.badResponse, "The \(displayName) answered POST /_mget with a body that is not an _mget answer (\(error)).")
            }
            guard page.hits.count == keys.count else {
                throw TernError(
                    .badResponse, "The \(displayName) answered POST /_mget with \(page.hits.count) documents for \(keys.count) asked.")
            }
            return zip(keys, page.hits).map { key, hit in
                if let error = hit.error {
                    return .failed(String(decoding: UnsafeRawBufferPointer(rebasing: raw[error]), as: UTF8.self))
                }
                guard hit.found == true else { return .notFound }
                guard let source = hit.source else { return .failed("the document has no _source (the index stores none)") }
                return .found(
                    Document(
                        index: key.index, id: key.id, type: dialect.documentType(hit.type),
                        routing: routingAsStored ? hit.routing : hit.routing ?? key.routing,
                        seqNo: hit.seqNo, primaryTerm: hit.primaryTerm, version: hit.version,
                        source: Array(UnsafeRawBufferPointer(rebasing: raw[source]))))
            }
        }
    }
}
