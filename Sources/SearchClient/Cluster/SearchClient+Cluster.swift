import NIOHTTP1
import TernCore

extension SearchClient {
    /// Who the cluster is. Fails with one sentence when the endpoint is not Elasticsearch or OpenSearch.
    /// - Parameter retries: attempts for the first contact; a check wants to fail fast.
    public func info(retries: RetrySettings? = nil) async throws -> ClusterInfo {
        let response = try await send(.GET, "/", retries: retries)
        try checkAccess(response, method: "GET", path: "/")
        let json = response.json()
        if response.status == 503 || response.status == 500, let reason = response.errorSummary {
            throw TernError(
                .clusterUnavailable,
                "The \(displayName) answers but cannot serve (HTTP \(response.status): \(reason)); wait for it to elect a master and recover, then try again."
            )
        }
        guard response.isSuccess, let json, VersionDetector.looksLikeSearchCluster(json) else {
            throw TernError(
                .notASearchCluster,
                "The server at \(ClusterConfiguration.display(endpoint)) (\(configuration.role)) is not Elasticsearch or OpenSearch: GET / answered HTTP \(response.status) with \(Self.describeBody(response)); check the URL and port."
            )
        }
        // Node info tells the real version behind a compatibility answer, and the plugins; managed services may deny it.
        let nodes = try? await getJSON("/_nodes/plugins", retries: RetrySettings(maxAttempts: 2))
        let evidence = VersionDetector.Evidence(
            root: json, elasticProductHeader: response.headers.first(name: "X-Elastic-Product"), nodes: nodes,
            host: endpoint.host ?? "")
        guard let info = VersionDetector.detect(evidence) else {
            throw TernError(
                .notASearchCluster,
                "The server at \(ClusterConfiguration.display(endpoint)) (\(configuration.role)) answered GET / without a readable version; check the URL."
            )
        }
        return info
    }

    /// `GET /_cluster/health`.
    public func health() async throws -> ClusterHealth {
        ClusterHealth(json: try await getJSON("/_cluster/health"))
    }

    /// The nodes with their versions, roles and plugins.
    public func nodes() async throws -> [NodeSummary] {
        NodeSummary.all(in: try await getJSON("/_nodes/plugins"))
    }

    /// Every index (hidden and closed ones included) with counts, sizes and the version that created it.
    public func indices() async throws -> [IndexSummary] {
        var indices = IndexSummary.all(
            fromCat: try await getJSON("/_cat/indices", query: [("format", "json"), ("bytes", "b"), ("expand_wildcards", "all")]))
        // The creating version decides whether a target can read an index; clusters that do not tell are not an error.
        if let settings = try? await getJSON(
            "/_all/_settings/index.version.created", query: [("flat_settings", "true"), ("expand_wildcards", "all")])
        {
            for index in indices.indices {
                let created = settings[indices[index].name]?["settings"]?["index.version.created"]?.intValue
                indices[index].createdVersion = created.flatMap { ClusterVersion(indexVersionID: Int($0)) }
            }
        }
        return indices
    }

    /// The cluster's data streams (Elasticsearch 7.9+, OpenSearch 1.0+); none on a cluster without the API.
    public func dataStreams() async throws -> [DataStream] {
        let response = try await send(.GET, "/_data_stream")
        try checkAccess(response, method: "GET", path: "/_data_stream")
        if [400, 404, 405, 410].contains(response.status) { return [] }
        guard response.isSuccess, let json = response.json() else {
            throw TernError(
                .badResponse,
                "The \(displayName) answered GET /_data_stream with HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? ""); check the cluster's health and run again."
            )
        }
        return DataStream.all(fromAPI: json)
    }

    /// Names of indices whose mapping disables `_source` (no document body to copy). Typed (6.x and older) mappings included.
    public func indicesWithSourceDisabled() async throws -> [String] {
        let mappings = try await getJSON("/_mapping", query: [("expand_wildcards", "all")])
        var names: [String] = []
        for (name, index) in mappings.objectValue ?? [:] {
            guard let mapping = index["mappings"] else { continue }
            let candidates = [mapping] + (mapping.objectValue?.values.filter { $0["properties"] != nil || $0["_source"] != nil } ?? [])
            if candidates.contains(where: { $0.value(at: "_source.enabled")?.boolValue == false }) {
                names.append(name)
            }
        }
        return names.sorted()
    }

    /// Node settings of one key on every node (`reindex.remote.allowlist`), or nil when node settings cannot be read.
    public func nodeSetting(_ key: String) async throws -> [String]? {
        guard let json = try? await getJSON("/_nodes/settings", query: [("flat_settings", "true")]) else { return nil }
        var values: [String] = []
        for node in (json["nodes"]?.objectValue ?? [:]).values {
            let settings = node["settings"]
            if let list = settings?[key]?.arrayValue {
                values += list.compactMap(\.stringValue)
            } else if let single = settings?[key]?.stringValue {
                values.append(single)
            }
            var position = 0
            while let item = settings?["\(key).\(position)"]?.stringValue {
                values.append(item)
                position += 1
            }
        }
        return values
    }
}
