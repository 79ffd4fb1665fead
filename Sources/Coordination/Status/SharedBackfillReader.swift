import SearchClient
import TernCore

/// Reads shared backfills from a coordination cluster, for `tern backfill status --coordinate` on any machine.
public struct SharedBackfillReader: Sendable {
    public let client: SearchClient

    public init(client: SearchClient) {
        self.client = client
    }

    /// The run names of the coordination indices on the cluster, sorted.
    public func runNames() async throws -> [String] {
        let response = try await client.send(
            .GET, "/_cat/indices/\(CoordinationIndex.prefix)*", query: [("format", "json"), ("h", "index"), ("expand_wildcards", "all")])
        try client.checkAccess(response, method: "GET", path: "/_cat/indices")
        guard response.isSuccess, let rows = response.json()?.arrayValue else {
            if response.status == 404 { return [] }
            throw TernError(
                .httpStatus,
                "The coordination cluster (\(client.displayName)) answered HTTP \(response.status) when asked for its \(CoordinationIndex.prefix)* indices."
            )
        }
        return rows.compactMap { $0["index"]?.stringValue }.filter { $0.hasPrefix(CoordinationIndex.prefix) }
            .map { String($0.dropFirst(CoordinationIndex.prefix.count)) }.sorted()
    }

    /// The picture of one shared backfill, or nil when there is no such run (or it has no plan yet).
    public func status(runName: String) async throws -> SharedBackfillStatus? {
        let index = CoordinationIndex(client: client, runName: runName)
        guard try await retryingOnce({ try await index.exists() }) else { return nil }
        guard let plan = try await retryingOnce({ try await index.get(PlanRecord.id, as: PlanRecord.self) }) else { return nil }
        try await retryingOnce { try await index.refresh() }
        let items = try await retryingOnce {
            try await index.all(
                .object([
                    "bool": .object([
                        "filter": .array([
                            .object(["term": .object(["type": .string("item")])]),
                            .object(["term": .object(["generation": .string(plan.value.generation)])]),
                        ])
                    ])
                ]), as: WorkItem.self)
        }
        let workers = try await retryingOnce {
            try await index.all(.object(["term": .object(["type": .string("worker")])]), as: WorkerRecord.self, sortField: "worker")
        }
        return SharedBackfillStatus(index: index.name, plan: plan.value, items: items.map(\.value), workers: workers.map(\.value))
    }

    /// A status is a look: a busy or unreachable cluster is said in one sentence, not waited for.
    private func retryingOnce<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CoordinationIndex.Unavailable {
            throw TernError(
                .clusterUnavailable,
                "The coordination cluster (\(client.displayName)) did not answer (\(error.reason)); check that it is up, or name it with --coordination-cluster."
            )
        }
    }
}
