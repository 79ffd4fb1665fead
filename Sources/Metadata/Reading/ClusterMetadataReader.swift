import Logging
import SearchClient
import TernCore

/// Reads a live cluster's metadata: legacy, composable and component templates, the selected indices with their
/// settings, mappings and aliases, and ingest pipelines. APIs a version does not have (composable templates before
/// Elasticsearch 7.8, pipelines on servers without ingest) are skipped, not errors.
public struct ClusterMetadataReader: Sendable {
    public let client: SearchClient
    public let logger: Logger

    public init(client: SearchClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// - Parameter selection: which indices and data streams to read (system ones only when named); templates are all
    ///   read. Backing indices of data streams are never read as indices: their stream stands for them.
    ///   `ismPolicyNames` are read by name from an OpenSearch source when its policy list does not answer them.
    public func read(selection: IndexSelection, ismPolicyNames: [String] = []) async throws -> SourceMetadata {
        let streams = try await client.dataStreams()
        let backing = Set(streams.flatMap(\.backingIndices))
        var metadata = try await read(
            indexNames: selection.select(try await client.indices().map(\.name)).filter { !backing.contains($0) }.sorted(),
            dataStreams: streams.filter { selection.selects($0.name) })
        if metadata.version.distribution == .opensearch || metadata.version.distribution == .opendistro {
            let openDistro = metadata.version.distribution == .opendistro
            let (policies, note) = try await ismPolicies(openDistro: openDistro)
            metadata.items += policies
            let listed = Set(policies.map(\.name))
            for name in ismPolicyNames where !listed.contains(name) {
                if let policy = try await ismPolicy(named: name, openDistro: openDistro) { metadata.items.append(policy) }
            }
            if let note { metadata.notConvertible.append(note) }
            let alerting = try await alertingItems(version: metadata.version)
            metadata.items += alerting.items
            metadata.notConvertible += alerting.notes
        }
        if metadata.version.distribution == .elasticsearch {
            metadata.notConvertible += UnconvertibleClassifier.findings(for: try await watches().map { SourceObject(.watch, $0) })
                .map(\.description)
        }
        return metadata
    }

    /// The ids of an Elasticsearch cluster's Watcher watches, which nothing converts (OpenSearch has no Watcher): the
    /// query API (7.11+), else the `.watches` index; none without Watcher.
    func watches() async throws -> [String] {
        let path = "/_watcher/_query/watches"
        let response = try await client.send(.POST, path, body: try RequestBody.encode(.object(["size": .int(1000)])))
        try client.checkAccess(response, method: "POST", path: path)
        if response.isSuccess, let answer = response.json() {
            return (answer["watches"]?.arrayValue ?? []).compactMap { $0["_id"]?.stringValue }.sorted()
        }
        guard let answer = try await optionalJSON("/.watches/_search", query: [("size", "1000"), ("_source", "false")]) else { return [] }
        return (answer["hits"]?["hits"]?.arrayValue ?? []).compactMap { $0["_id"]?.stringValue }.sorted()
    }

    /// An Open Distro or OpenSearch source's alerting monitors (by name: each cluster gives its own ids) and the
    /// channels (OpenSearch 2.0+) or destinations (before) their actions notify; nothing without the plugins.
    func alertingItems(version: ClusterVersion) async throws -> (items: [MetadataItem], notes: [String]) {
        let api = AlertingAPI(client: client, version: version)
        guard let monitors = try await api.monitors() else { return ([], []) }
        var items: [MetadataItem] = []
        var notes = monitors.note.map { [$0] } ?? []
        for (name, named) in Dictionary(grouping: monitors.elements, by: \.name).sorted(by: { $0.key < $1.key }) {
            let sorted = named.sorted { $0.id < $1.id }
            items.append(MetadataItem(kind: .alertingMonitor, name: name, body: MonitorShape.comparable(sorted[0].body)))
            if sorted.count > 1 {
                notes.append(
                    "\(sorted.count) source monitors are named \(name) (ids \(sorted.map(\.id).joined(separator: ", "))); Tern knows monitors by name, so only \(sorted[0].id) is copied: rename the others to copy them"
                )
            }
        }
        let channels =
            version.distribution == .opensearch && version.version >= AlertingRule.channelsVersion
            ? try await api.channels() : try await api.destinations()
        if let channels {
            items += channels.elements
            if let note = channels.note { notes.append(note) }
        }
        return (items, notes)
    }

    /// An OpenSearch (or Open Distro) source's ISM policies, copied as they are. The list API answers its first 20
    /// without the paging parameters the OpenSearch API specification leaves out; the rest are named in a note.
    func ismPolicies(openDistro: Bool) async throws -> ([MetadataItem], String?) {
        let path = openDistro ? "/_opendistro/_ism/policies" : "/_plugins/_ism/policies"
        guard let answer = try await optionalJSON(path) else { return ([], nil) }
        let entries = answer["policies"]?.arrayValue ?? []
        let items = entries.compactMap { entry -> MetadataItem? in
            guard let name = entry["_id"]?.stringValue, let policy = entry["policy"] else { return nil }
            return MetadataItem(kind: .ismPolicy, name: name, body: .object(["policy": ISMPolicyShape.withoutServerFields(policy)]))
        }
        let total = answer["total_policies"]?.intValue.map(Int.init) ?? items.count
        guard total > items.count else { return (items, nil) }
        return (
            items,
            "\(total - items.count) of the source's \(total) ISM policies were not listed (the policy list answers its first \(items.count)); name the others with --template NAME to read and copy them"
        )
    }

    /// One ISM policy by name, without the fields the server adds; nil when there is none.
    func ismPolicy(named name: String, openDistro: Bool) async throws -> MetadataItem? {
        let path = (openDistro ? "/_opendistro/_ism/policies/" : "/_plugins/_ism/policies/") + SearchClient.pathSegment(name)
        guard let answer = try await optionalJSON(path), let policy = answer["policy"] else { return nil }
        return MetadataItem(kind: .ismPolicy, name: name, body: .object(["policy": ISMPolicyShape.withoutServerFields(policy)]))
    }

    /// Reads these indices (those that exist; an absent one is no error), every template and pipeline, the ILM policies
    /// of an Elasticsearch cluster, and these ISM policies (by name: the list API pages by 20 and its paging parameters
    /// are not in the OpenSearch API specification).
    public func read(indexNames names: [String], ismPolicyNames: [String] = [], dataStreams: [DataStream] = []) async throws
        -> SourceMetadata
    {
        let info = try await client.info()
        var items: [MetadataItem] = []
        let notes: [String] = []
        for (name, body) in try await optionalJSON("/_template")?.objectValue ?? [:] {
            items.append(MetadataItem(kind: .legacyTemplate, name: name, body: body))
        }
        for entry in try await optionalJSON("/_index_template")?["index_templates"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, let body = entry["index_template"] else { continue }
            items.append(MetadataItem(kind: .indexTemplate, name: name, body: body))
        }
        for entry in try await optionalJSON("/_component_template")?["component_templates"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, let body = entry["component_template"] else { continue }
            items.append(MetadataItem(kind: .componentTemplate, name: name, body: body))
        }
        // One request per index keeps answers small and a missing (just deleted) index from failing the others. An alias
        // answers under its indices' names: that is not an index of this name, so it is left out.
        for name in names {
            guard let answer = try await optionalJSON("/\(name)"), let body = answer[name] else { continue }
            var index = body.objectValue ?? [:]
            index["settings"] = index["settings"] ?? .object([:])
            index["mappings"] = index["mappings"] ?? .object([:])
            index["aliases"] = index["aliases"] ?? .object([:])
            items.append(MetadataItem(kind: .index, name: name, body: .object(index)))
        }
        for (id, body) in try await optionalJSON("/_ingest/pipeline")?.objectValue ?? [:] {
            items.append(MetadataItem(kind: .pipeline, name: id, body: body))
        }
        if info.version.distribution == .elasticsearch, let policies = try await optionalJSON("/_ilm/policy")?.objectValue {
            // The stack's own policies (`_meta.managed`, or known by name) are left out by the runner, which names them.
            for (name, entry) in policies {
                guard let policy = entry["policy"] else { continue }
                items.append(MetadataItem(kind: .ismPolicy, name: name, body: .object(["policy": policy])))
            }
        }
        for name in ismPolicyNames {
            if let policy = try await ismPolicy(named: name, openDistro: false) { items.append(policy) }
        }
        items += dataStreams.map(Self.item)
        return SourceMetadata(version: info.version, items: items, notConvertible: notes)
    }

    /// The data streams named, as the cluster holds them (those that exist).
    public func dataStreams(named names: [String]) async throws -> [DataStream] {
        var streams: [DataStream] = []
        for name in names {
            guard let answer = try await optionalJSON("/_data_stream/\(SearchClient.pathSegment(name))") else { continue }
            streams += DataStream.all(fromAPI: answer).filter { $0.name == name }
        }
        return streams
    }

    /// The cluster's persistent settings, flat (`cluster.routing.allocation.awareness.attributes`), as cluster-setting
    /// items; transient ones are never read.
    public func persistentSettings() async throws -> [MetadataItem] {
        guard let answer = try await optionalJSON("/_cluster/settings", query: [("flat_settings", "true")]) else { return [] }
        return ClusterSettingsPolicy.flatten(answer["persistent"]).map { Self.settingItem($0.key, $0.value) }
    }

    /// A cluster setting as an item: its body is the request that sets it.
    static func settingItem(_ key: String, _ value: JSONValue) -> MetadataItem {
        MetadataItem(kind: .clusterSetting, name: key, body: .object(["persistent": .object([key: value])]))
    }

    /// A data stream as a metadata item: what the target must agree on is the timestamp field (its template decides
    /// the rest, and its backing indices are named by each cluster itself).
    static func item(_ stream: DataStream) -> MetadataItem {
        MetadataItem(
            kind: .dataStream, name: stream.name, body: .object(["timestamp_field": .object(["name": .string(stream.timestampField)])]))
    }

    /// The JSON of a GET, or nil when the cluster has no such API or object (400 no handler, 404, 405).
    private func optionalJSON(_ path: String, query: [(String, String)] = []) async throws -> JSONValue? {
        let response = try await client.send(.GET, path, query: query)
        try client.checkAccess(response, method: "GET", path: path)
        if [400, 404, 405, 410].contains(response.status) {
            logger.debug("metadata API not available", metadata: ["path": "\(path)", "status": "\(response.status)"])
            return nil
        }
        guard response.isSuccess, let json = response.json() else {
            throw TernError(
                .badResponse,
                "The \(client.displayName) answered GET \(path) with HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? ""); check the cluster's health and run again."
            )
        }
        return json
    }
}
