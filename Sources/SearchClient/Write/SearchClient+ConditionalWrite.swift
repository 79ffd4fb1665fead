import NIOCore
import TernCore

/// One write that applies only while the target still holds what it was planned against; a repair reads both sides,
/// plans, and plans again when the target answers that it changed in between.
public struct ConditionalWrite: Sendable, Equatable {
    /// What the target must hold for the write to apply.
    public enum Condition: Sendable, Hashable {
        /// `version_type: external_gte`: applies while the target's version of the document, or of its delete
        /// tombstone, is at most `version`, and leaves the document (or its tombstone) at exactly `version`. Versions
        /// only grow, so with the version just read this means "unchanged since".
        case versionAtMost(Int64)
        /// `create` with internal versioning: applies only while the target holds no such document, whatever version a
        /// delete tombstone carries; the target gives the document the tombstone's version + 1 (1 without one). Index
        /// operations only.
        case absent
    }

    /// What to write: `index` (with `source`) or `delete`, under `index`, `id`, `routing` (and `type` when asked).
    public var document: Document
    public var condition: Condition

    public init(document: Document, condition: Condition) {
        precondition(
            condition != .absent || document.operation != .delete, "a deletion cannot be conditional on the document being absent")
        self.document = document
        self.condition = condition
    }
}

/// What the target did with one ``ConditionalWrite``.
public enum ConditionalWriteResult: Sendable, Equatable {
    /// Written (or deleted); `version` is the version the target gave the document or its tombstone.
    case applied(version: Int64?)
    /// A deletion found no document: the end state is the one asked for.
    case nothingToDelete
    /// The target no longer holds what the write was planned against (409); the reason as the target put it.
    case conflict(String)
    /// The target was busy (429, rejected execution, 5xx): the same write may go again after a pause.
    case busy(String)
    /// Refused for good (a mapping error, a bad id...).
    case failed(String)
}

extension SearchClient {
    /// Sends `writes` through `_bulk`, each with its condition, and says what became of each. Nothing is retried
    /// item by item here: a caller that gets ``ConditionalWriteResult/conflict(_:)`` or ``ConditionalWriteResult/busy(_:)``
    /// reads again and decides. Requests are cut at about `maxRequestBytes` (a larger document goes alone).
    /// - Parameter includeType: Elasticsearch 5.x/6.x targets want `_type` (``BulkWriterOptions/needsType(for:)``).
    /// - Returns: one result per write, in order.
    /// - Throws: `TernError` when the target cannot be reached, refuses the credentials or the whole request, or
    ///   answers with something other than a `_bulk` answer.
    public func writeConditionally(_ writes: [ConditionalWrite], includeType: Bool, maxRequestBytes: Int = 8 << 20) async throws
        -> [ConditionalWriteResult]
    {
        let lines = writes.map { write in
            var bytes: [UInt8] = []
            Self.append(write, includeType: includeType, to: &bytes)
            return bytes
        }
        var results: [ConditionalWriteResult] = []
        results.reserveCapacity(writes.count)
        var start = 0
        while start < lines.count {
            var end = start + 1
            var size = lines[start].count
            while end < lines.count && size + lines[end].count <= maxRequestBytes {
                size += lines[end].count
                end += 1
            }
            results += try await sendConditional(lines[start..<end])
            start = end
        }
        return results
    }

    /// `{"index":{"_index":"i","_id":"1","routing":"r","version":7,"version_type":"external_gte"}}` and the source
    /// (`delete` without one, `create` without a version).
    static func append(_ write: ConditionalWrite, includeType: Bool, to output: inout [UInt8]) {
        let document = write.document
        switch (write.condition, document.operation) {
        case (.absent, _): output.append(contentsOf: #"{"create":{"_index":"#.utf8)
        case (_, .delete): output.append(contentsOf: #"{"delete":{"_index":"#.utf8)
        case (_, .index): output.append(contentsOf: #"{"index":{"_index":"#.utf8)
        case (_, .create): output.append(contentsOf: #"{"create":{"_index":"#.utf8)
        }
        NDJSONLine.appendJSONString(document.index, to: &output)
        if includeType {
            output.append(contentsOf: #","_type":"#.utf8)
            NDJSONLine.appendJSONString(document.type ?? "_doc", to: &output)
        }
        output.append(contentsOf: #","_id":"#.utf8)
        NDJSONLine.appendJSONString(document.id, to: &output)
        if let routing = document.routing {
            output.append(contentsOf: #","routing":"#.utf8)
            NDJSONLine.appendJSONString(routing, to: &output)
        }
        if case .versionAtMost(let version) = write.condition {
            output.append(contentsOf: #","version":\#(version),"version_type":"external_gte""#.utf8)
        }
        output.append(contentsOf: "}}\n".utf8)
        if document.operation != .delete {
            NDJSONLine.appendSingleLine(document.source, to: &output)
            output.append(0x0A)
        }
    }

    /// One `_bulk` request of `lines` (action and source of each write); a request too large for the target's
    /// `http.max_content_length` is sent again in halves, and a single write too large for it fails alone.
    private func sendConditional(_ lines: ArraySlice<[UInt8]>) async throws -> [ConditionalWriteResult] {
        let count = lines.count
        let response = try await send(
            .POST, "/_bulk",
            query: [("filter_path", "items.*.status,items.*._version,items.*.result,items.*.error.type,items.*.error.reason")],
            body: Array(lines.joined()), contentType: "application/x-ndjson")
        try checkAccess(response, method: "POST", path: "/_bulk")
        if response.status == 413 {
            guard count > 1 else { return [.failed("HTTP 413: the document alone is larger than the target's http.max_content_length")] }
            let middle = lines.startIndex + count / 2
            return try await sendConditional(lines[..<middle]) + sendConditional(lines[middle...])
        }
        if RetryPolicy.retryableStatuses.contains(response.status) || response.status >= 500 {
            let reason = "HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")"
            return Array(repeating: .busy(reason), count: count)
        }
        guard response.isSuccess else {
            throw TernError(
                .httpStatus,
                "The \(displayName) refused POST /_bulk with HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? ""); no document of that request was written."
            )
        }
        guard let items = response.json()?["items"]?.arrayValue, items.count == count else {
            throw TernError(
                .badResponse,
                "The \(displayName) answered POST /_bulk with a body that is not a bulk answer for \(count) documents; none is counted as written."
            )
        }
        return items.map { item in
            guard let (action, answer) = item.objectValue?.first, let status = answer["status"]?.intValue.map(Int.init) else {
                return .failed("the bulk answer has an item without a status")
            }
            let type = answer.value(at: "error.type")?.stringValue
            let reason = [type, answer.value(at: "error.reason")?.stringValue].compactMap { $0 }.joined(separator: ": ")
            if (200..<300).contains(status) && type == nil { return .applied(version: answer["_version"]?.intValue) }
            if action == "delete" && status == 404 && type == nil { return .nothingToDelete }
            if status == 409 || type == "version_conflict_engine_exception" { return .conflict(reason) }
            if RetryPolicy.retryableStatuses.contains(status) || status >= 500 || (type ?? "").hasSuffix("rejected_execution_exception")
                || type == "circuit_breaking_exception"
            {
                return .busy(reason.isEmpty ? "HTTP \(status)" : reason)
            }
            return .failed(reason.isEmpty ? "HTTP \(status)" : "HTTP \(status) \(reason)")
        }
    }
}
