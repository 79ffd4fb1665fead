import TernCore

/// The bodies Tern sends to the target's `POST /_reindex`: one task per index, and a probe that copies nothing.
enum RemoteReindexRequest {
    /// A query no document matches, in a form every Elasticsearch since 1.x understands (`match_none` came with 5.0).
    static let matchNothing: JSONValue = .object(["bool": .object(["must_not": .array([.object(["match_all": .object([:])])])])])

    /// The reindex of one index.
    /// - Parameters:
    ///   - query: the query object that selects source documents, nil for all.
    ///   - external: keep the source's `_version` (`version_type: external`) so an older copy never overwrites a newer one;
    ///     conflicts then mean "the target already holds this version or a newer one" and must not stop the task.
    ///   - maxDocs: stop after this many documents (a trial run).
    ///   - batchSize: documents per remote scroll page (`source.size`); remote reindex buffers a page on the heap.
    static func body(
        remote: RemoteReindexSource, sourceIndex: String, targetIndex: String, query: JSONValue?, external: Bool, maxDocs: Int?,
        batchSize: Int?
    ) -> JSONValue {
        var source: [String: JSONValue] = ["remote": remote.json, "index": .string(sourceIndex)]
        if let query { source["query"] = query }
        if let batchSize { source["size"] = .int(Int64(batchSize)) }
        var dest: [String: JSONValue] = ["index": .string(targetIndex)]
        var body: [String: JSONValue] = [:]
        if external {
            dest["version_type"] = .string("external")
            body["conflicts"] = .string("proceed")
        }
        if let maxDocs { body["max_docs"] = .int(Int64(maxDocs)) }
        body["source"] = .object(source)
        body["dest"] = .object(dest)
        return .object(body)
    }

    /// A synchronous reindex that matches nothing: the target checks its allowlist, connects to the source and
    /// authenticates, and answers at once, before Tern creates indices or starts long tasks.
    static func probe(remote: RemoteReindexSource, sourceIndex: String, targetIndex: String) -> JSONValue {
        .object([
            "source": .object([
                "remote": remote.json, "index": .string(sourceIndex), "size": .int(1), "query": matchNothing,
            ]),
            "dest": .object(["index": .string(targetIndex)]),
        ])
    }
}
