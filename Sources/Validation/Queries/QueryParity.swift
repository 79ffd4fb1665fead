import SearchClient
import TernCore

/// Runs each representative request on both clusters (against the renamed index on the target, after a refresh of
/// both) and compares the answers.
public struct QueryParity: Sendable {
    /// The outcome of one request.
    public struct Result: Sendable, Codable, Equatable {
        public var origin: String
        public var name: String?
        public var index: String
        public var targetIndex: String
        public var sourceTotal: Int64?
        public var targetTotal: Int64?
        /// One sentence per difference; empty when the answers agree.
        public var differences: [String]

        enum CodingKeys: String, CodingKey {
            case origin, name, index, differences
            case targetIndex = "target_index"
            case sourceTotal = "source_total"
            case targetTotal = "target_total"
        }
    }

    public let comparison: SearchAnswerComparison
    public let selection: IndexSelection

    public init(comparison: SearchAnswerComparison = SearchAnswerComparison(), selection: IndexSelection = IndexSelection()) {
        self.comparison = comparison
        self.selection = selection
    }

    public func run(_ cases: [QueryCase], source: SearchClient, target: SearchClient) async throws -> [Result] {
        var refreshed = Set<String>()
        var results: [Result] = []
        for query in cases {
            let targetIndex = selection.targetName(for: query.index)
            if refreshed.insert(query.index).inserted {
                _ = try? await source.send(.POST, "/\(query.index)/_refresh")
                _ = try? await target.send(.POST, "/\(targetIndex)/_refresh")
            }
            // Both sides count every hit, so totals beyond 10,000 compare exactly.
            var body = query.body.objectValue ?? [:]
            if body["track_total_hits"] == nil { body["track_total_hits"] = .bool(true) }
            let bytes = try RequestBody.encode(.object(body))
            let sourceAnswer = try await answer(source, index: query.index, body: bytes, query: query)
            let targetAnswer = try await answer(target, index: targetIndex, body: bytes, query: query)
            results.append(
                Result(
                    origin: query.origin, name: query.name, index: query.index, targetIndex: targetIndex,
                    sourceTotal: SearchAnswerComparison.total(sourceAnswer), targetTotal: SearchAnswerComparison.total(targetAnswer),
                    differences: comparison.differences(source: sourceAnswer, target: targetAnswer)))
        }
        return results
    }

    private func answer(_ client: SearchClient, index: String, body: [UInt8], query: QueryCase) async throws -> JSONValue {
        let path = "/\(index)/_search"
        let response = try await client.send(.POST, path, body: body)
        try client.checkAccess(response, method: "POST", path: path)
        guard response.isSuccess, let json = response.json() else {
            throw TernError(
                .httpStatus,
                "The \(client.displayName) refused the request of \(query.origin) on \(index) (HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")); fix the request or leave it out."
            )
        }
        return json
    }
}
