import Logging
import SearchClient
import TernCore

/// Creates a target index from its source's portable definition unless it exists, so server-side copies (which copy
/// documents only) do not leave the target guessing field types.
struct TargetIndexCreator: Sendable {
    let source: SearchClient
    let target: SearchClient
    /// The two versions, when known: the definition then goes through the same metadata rules as everywhere else
    /// (analysis renames, retired field types...), not only with the type wrapper removed.
    var versions: (source: ClusterVersion, target: ClusterVersion)?
    let logger: Logger

    /// The source index's definition (`GET /<index>`).
    func definition(of index: String) async throws -> PortableIndexDefinition {
        let json = try await source.getJSON("/\(SearchClient.pathSegment(index))")
        // The answer is keyed by the concrete index name (an alias would answer with its indices).
        guard let entry = json[index] ?? json.objectValue?.values.first else {
            throw TernError(.badResponse, "The \(source.displayName) answered GET /\(index) without the index's definition.")
        }
        return PortableIndexDefinition(index: entry)
    }

    /// Creates `name` on the target with `definition`, unless it exists already (then its own settings and mappings stay).
    /// - Returns: whether Tern created it.
    @discardableResult
    func ensure(_ name: String, definition: PortableIndexDefinition) async throws -> Bool {
        let path = "/\(SearchClient.pathSegment(name))"
        let probe = try await target.send(.HEAD, path)
        try target.checkAccess(probe, method: "HEAD", path: path)
        if probe.isSuccess {
            logger.info("target index exists; keeping its settings and mappings", metadata: ["index": "\(name)"])
            return false
        }
        var body = definition.createBody
        if let versions,
            let transformed = TargetIndexPreparer.transformed(
                body, sourceVersion: versions.source, targetVersion: versions.target, source: name, target: name, logger: logger)
        {
            body = transformed
        }
        let response = try await target.send(.PUT, path, body: try RequestBody.encode(body))
        try target.checkAccess(response, method: "PUT", path: path)
        if response.status == 400, response.errorSummary?.contains("resource_already_exists") == true { return false }
        guard response.isSuccess else {
            throw TernError(
                .httpStatus,
                "The \(target.displayName) refused to create index \(name) with the source's mappings, shard count and analysis (HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")); create it yourself (Tern's metadata step transforms what this version rejects) and run again."
            )
        }
        logger.info("created target index", metadata: ["index": "\(name)"])
        return true
    }
}
