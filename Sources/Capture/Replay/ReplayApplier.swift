import Foundation
import NIOHTTP1
import SearchClient
import TernCore

/// Applies replay actions to the target: documents through the bulk writer with the source's versions as external
/// versions (so replay and backfill converge in any order), re-reads through `_mget` on the source, index-level calls
/// one at a time in log order, renamed and transformed for the target's version like `tern metadata` does.
struct ReplayApplier: Sendable {
    let source: SearchClient
    let sourceInfo: ClusterInfo
    let target: SearchClient
    let targetInfo: ClusterInfo
    let selection: IndexSelection
    private let versioned: BulkWriter
    /// For deletions of documents the source no longer has, whose deleting version the log does not give.
    private let plain: BulkWriter
    private let needsType: Bool
    private let rewriter: AdminRequestRewriter
    /// The source's data streams, by backing index: their documents go into the stream, with `create`.
    private let streams: DataStreamMembership

    init(
        source: SearchClient, sourceInfo: ClusterInfo, target: SearchClient, targetInfo: ClusterInfo, selection: IndexSelection,
        streams: [DataStream] = []
    ) {
        self.streams = DataStreamMembership(streams)
        self.source = source
        self.sourceInfo = sourceInfo
        self.target = target
        self.targetInfo = targetInfo
        self.selection = selection
        needsType = BulkWriterOptions.needsType(for: targetInfo.version)
        versioned = BulkWriter(client: target, options: BulkWriterOptions(versioning: .external, needsType: needsType))
        plain = BulkWriter(client: target, options: BulkWriterOptions(versioning: .none, needsType: needsType))
        rewriter = AdminRequestRewriter(selection: selection, sourceVersion: sourceInfo.version, targetVersion: targetInfo.version)
    }

    /// Applies `actions` in order (documents of one stretch between index-level calls go together).
    /// - Throws: `TernError` when a cluster cannot be reached: nothing of this call counts as applied, the caller keeps
    ///   its position and the next attempt repeats the same actions (harmless: every write is versioned or idempotent).
    func apply(_ actions: [ReplayAction], progress: inout ReplayProgress, issues: inout [ReplayIssue]) async throws {
        var documents: [Document] = []
        var rereads: [ReplayAction.DocumentKey] = []
        for action in actions {
            switch action {
            case .index(let key, let version, let body):
                if let stream = try await stream(of: key.index) {
                    guard selection.selects(stream) else { continue }
                    documents.append(streamDocument(key, stream: stream, source: Array(body)))
                    continue
                }
                guard selection.selects(key.index) else { continue }
                documents.append(document(key, version: version, source: Array(body), operation: .index))
            case .delete(let key, let version):
                if let stream = try await stream(of: key.index) {
                    if selection.selects(stream) { issues.append(Self.streamDeletion(key, stream: stream)) }
                    continue
                }
                guard selection.selects(key.index) else { continue }
                documents.append(document(key, version: version, source: [], operation: .delete))
            case .reread(let key):
                if let stream = try await stream(of: key.index) {
                    guard selection.selects(stream) else { continue }
                    rereads.append(key)
                    continue
                }
                guard selection.selects(key.index) else { continue }
                rereads.append(key)
            case .admin(let method, let path, let body):
                try await flush(&documents, rereads: &rereads, progress: &progress, issues: &issues)
                try await applyAdmin(method: method, target: path, body: body, progress: &progress, issues: &issues)
            case .repair(let indices, let reason):
                for index in indices where selection.selects(index) {
                    issues.append(ReplayIssue(kind: .repair, index: index, reason: reason))
                }
            case .unsupported(let description):
                issues.append(ReplayIssue(kind: .unsupported, index: "-", reason: description))
            }
        }
        try await flush(&documents, rereads: &rereads, progress: &progress, issues: &issues)
    }

    /// The data stream `index` backs, if it backs one; a backing index the last read did not know (the source rolled the
    /// stream over meanwhile) makes it read the streams again, once per name.
    private func stream(of index: String) async throws -> String? {
        if let stream = streams.stream(of: index) { return stream }
        guard streams.shouldLookUp(index) else { return nil }
        streams.replace(try await source.dataStreams())
        return streams.stream(of: index)
    }

    /// A document for a data stream: `create` in the stream (named for the target), without a version, which a stream
    /// does not take; one already there counts as already written.
    private func streamDocument(_ key: ReplayAction.DocumentKey, stream: String, source: [UInt8]) -> Document {
        Document(index: selection.targetName(for: stream), id: key.id, routing: key.routing, source: source, operation: .create)
    }

    /// A stream's documents are deleted only through their backing index, whose name differs on the target.
    private static func streamDeletion(_ key: ReplayAction.DocumentKey, stream: String) -> ReplayIssue {
        ReplayIssue(
            kind: .unsupported, index: stream,
            reason:
                "document \(key.id) was deleted from data stream \(stream) on the source; a stream deletes only in its backing index, whose name differs on the target: delete it there with _delete_by_query on the stream"
        )
    }

    private func document(_ key: ReplayAction.DocumentKey, version: Int64?, source: [UInt8], operation: Document.Operation) -> Document {
        Document(
            index: selection.targetName(for: key.index), id: key.id, type: needsType ? key.type : nil, routing: key.routing, seqNo: version,
            version: version, source: source, operation: operation)
    }

    private func flush(
        _ documents: inout [Document], rereads: inout [ReplayAction.DocumentKey], progress: inout ReplayProgress,
        issues: inout [ReplayIssue]
    ) async throws {
        var gone: [Document] = []
        if !rereads.isEmpty {
            let answers = try await source.multiGet(
                rereads.map { DocumentKey(index: $0.index, id: $0.id, routing: $0.routing) }, cluster: sourceInfo)
            for (key, answer) in zip(rereads, answers) {
                switch answer {
                case .found(let current):
                    if let stream = streams.stream(of: key.index) {
                        documents.append(streamDocument(key, stream: stream, source: current.source))
                    } else {
                        documents.append(
                            document(key, version: BulkBody.externalVersion(of: current), source: current.source, operation: .index))
                    }
                case .notFound:
                    if let stream = streams.stream(of: key.index) {
                        issues.append(Self.streamDeletion(key, stream: stream))
                    } else {
                        gone.append(document(key, version: nil, source: [], operation: .delete))
                    }
                case .failed(let reason):
                    issues.append(ReplayIssue(kind: .failed, index: key.index, reason: "re-reading from the source failed: \(reason)"))
                    progress.failed += 1
                }
            }
            progress.reread += Int64(rereads.count)
        }
        // Versioned writes first: a deletion of what the source no longer holds must come after any older copy.
        for (writer, batch) in [(versioned, documents), (plain, gone)] where !batch.isEmpty {
            for operation in [Document.Operation.index, .create, .delete] {
                let group = batch.filter { $0.operation == operation }
                guard !group.isEmpty else { continue }
                let outcome = try await writer.write(group)
                if operation == .delete { progress.deleted += Int64(outcome.written) } else { progress.written += Int64(outcome.written) }
                progress.alreadyNewer += Int64(outcome.alreadyNewer)
                progress.failed += Int64(outcome.failed.count)
                for failure in outcome.failed {
                    issues.append(
                        ReplayIssue(kind: .failed, index: failure.document.index, reason: "\(failure.errorType): \(failure.reason)"))
                }
            }
        }
        documents.removeAll()
        rereads.removeAll()
    }

    /// Sends an index-level call made fit for the target (``AdminRequestRewriter``); repeating one that already took
    /// effect (an index that exists, a deletion of what is gone) counts as applied, since a resumed replay repeats calls.
    private func applyAdmin(method: String, target path: String, body: [UInt8], progress: inout ReplayProgress, issues: inout [ReplayIssue])
        async throws
    {
        let request: AdminRequestRewriter.Request
        let index: String
        switch rewriter.rewrite(method: method, target: path, body: body) {
        case .skip:
            return
        case .unsupported(let named, let reason):
            issues.append(ReplayIssue(kind: .unsupported, index: named, reason: reason))
            return
        case .send(let rewritten, let named):
            request = rewritten
            index = named
        }
        let summary = "\(method) \(path.split(separator: "?", maxSplits: 1).first ?? "")"
        guard let httpMethod = Self.method(request.method) else {
            issues.append(ReplayIssue(kind: .unsupported, index: index, reason: summary))
            return
        }
        let response = try await target.send(
            httpMethod, request.path, query: request.query.map { ($0.name, $0.value) }, body: request.body.isEmpty ? nil : request.body)
        let text = response.errorSummary ?? ""
        let repeated =
            (response.status == 400 && text.contains("already_exists")) || (httpMethod == .DELETE && response.status == 404)
        if response.isSuccess || repeated {
            progress.admin += 1
        } else {
            progress.failed += 1
            issues.append(
                ReplayIssue(
                    kind: .failed, index: index,
                    reason: "\(summary) answered HTTP \(response.status)\(text.isEmpty ? "" : ": \(text)")"))
        }
    }

    private static func method(_ name: String) -> HTTPMethod? {
        switch name.uppercased() {
        case "PUT": .PUT
        case "POST": .POST
        case "DELETE": .DELETE
        default: nil
        }
    }
}
