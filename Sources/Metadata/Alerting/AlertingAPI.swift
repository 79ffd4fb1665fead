import SearchClient
import TernCore

/// The Alerting and Notifications plugins' APIs on one cluster: its monitors and channels (or, before OpenSearch 2.0,
/// destinations), creating and replacing them, and switching a monitor's schedule on or off.
///
/// None of these APIs is in the OpenSearch API specification; the requests follow the plugins' REST handlers, and the
/// tests check them against `Tests/Fixtures/api-spec-supplement`, written from those handlers.
public struct AlertingAPI: Sendable {
    /// One monitor as a cluster holds it.
    public struct Monitor: Sendable, Hashable {
        public var id: String
        /// The monitor as `GET …/monitors/<id>` answers it under `monitor`.
        public var body: JSONValue

        public var name: String { body["name"]?.stringValue ?? id }
        public var enabled: Bool { body["enabled"]?.boolValue ?? false }
        public var listed: MonitorPair.Listed { MonitorPair.Listed(id: id, name: name, enabled: enabled) }
    }

    /// What a list answered: the objects, and a note when the cluster holds more than one answer carries.
    public struct Listing<Element: Sendable>: Sendable {
        public var elements: [Element]
        public var note: String?
    }

    public let client: SearchClient
    /// The Open Distro paths (`_opendistro/_alerting`), for an Open Distro cluster.
    public let openDistro: Bool

    /// The most monitors one search answers (the config index's `max_result_window`).
    static let searchSize = 10_000

    public init(client: SearchClient, version: ClusterVersion) {
        self.init(client: client, openDistro: version.distribution == .opendistro)
    }

    /// For a target, which is OpenSearch: the `_plugins` paths.
    public init(client: SearchClient, openDistro: Bool = false) {
        self.client = client
        self.openDistro = openDistro
    }

    var base: String { openDistro ? "/_opendistro/_alerting" : "/_plugins/_alerting" }

    // MARK: Monitors

    /// Every monitor, or nil when the cluster has no Alerting plugin. A cluster that never had a monitor answers
    /// 404 for the missing config index: that is an empty list.
    public func monitors() async throws -> Listing<Monitor>? {
        let query: JSONValue = .object(["size": .int(Int64(Self.searchSize)), "query": .object(["match_all": .object([:])])])
        guard let json = try await pluginList("\(base)/monitors/_search", body: query) else { return nil }
        // The config index also holds workflows and other scheduled jobs: only monitors are taken.
        let monitors = (json["hits"]?["hits"]?.arrayValue ?? []).compactMap { hit -> Monitor? in
            guard let id = hit["_id"]?.stringValue, let source = hit["_source"], source["type"]?.stringValue ?? "monitor" == "monitor",
                source["name"] != nil
            else { return nil }
            return Monitor(id: id, body: source)
        }
        let total = json["hits"]?["total"]?["value"]?.intValue ?? json["hits"]?["total"]?.intValue ?? 0
        let note =
            total > Int64(Self.searchSize)
            ? "the cluster holds \(total) scheduled jobs and one search answers \(Self.searchSize); monitors beyond them were not read"
            : nil
        return Listing(elements: monitors, note: note)
    }

    /// Creates a monitor; its id, or the cluster's refusal.
    public func create(monitor body: JSONValue) async throws -> Result<String, RefusedWrite> {
        let path = "\(base)/monitors"
        let response = try await client.send(.POST, path, body: try RequestBody.encode(body))
        try client.checkAccess(response, method: "POST", path: path)
        guard response.isSuccess, let id = response.json()?["_id"]?.stringValue else { return .failure(RefusedWrite(response)) }
        return .success(id)
    }

    /// Replaces the monitor `id`; nil, or the cluster's refusal.
    public func replace(monitor id: String, with body: JSONValue) async throws -> RefusedWrite? {
        let path = "\(base)/monitors/\(SearchClient.pathSegment(id))"
        let response = try await client.send(.PUT, path, body: try RequestBody.encode(body))
        try client.checkAccess(response, method: "PUT", path: path)
        return response.isSuccess ? nil : RefusedWrite(response)
    }

    /// Turns the schedule of monitor `id` on or off, changing nothing else. A monitor already so is left alone; a
    /// monitor that is gone is an error (the operator deleted it mid-cutover).
    public func setEnabled(_ enabled: Bool, monitor id: String) async throws {
        let path = "\(base)/monitors/\(SearchClient.pathSegment(id))"
        let response = try await client.send(.GET, path)
        try client.checkAccess(response, method: "GET", path: path)
        let json = try success(response, "GET", path)
        guard let monitor = json["monitor"] else {
            throw TernError(.badResponse, "The \(client.displayName) answered GET \(path) without a monitor; check the Alerting plugin.")
        }
        guard (monitor["enabled"]?.boolValue ?? false) != enabled else { return }
        if let refusal = try await replace(monitor: id, with: MonitorShape.writable(monitor, enabled: enabled)) {
            throw TernError(
                .badResponse,
                "The \(client.displayName) refused to \(enabled ? "enable" : "disable") monitor \(monitor["name"]?.stringValue ?? id): \(refusal.reason)"
            )
        }
    }

    // MARK: Channels and destinations

    /// The Notifications plugin's channels (OpenSearch 2.0+), or nil when the cluster has no such plugin. The list
    /// answers its first 100 (its paging parameters are not in the OpenSearch API specification); a note says so.
    public func channels() async throws -> Listing<MetadataItem>? {
        guard let json = try await pluginList("/_plugins/_notifications/configs") else { return nil }
        let items = (json["config_list"]?.arrayValue ?? []).compactMap(NotificationChannelShape.item(fromConfig:))
        let total = json["total_hits"]?.intValue ?? Int64(items.count)
        let note =
            total > Int64(items.count)
            ? "\(total - Int64(items.count)) of the source's \(total) notification channels were not listed (the list answers its first \(items.count)); create the others on the target by hand"
            : nil
        return Listing(elements: items, note: note)
    }

    /// The alerting destinations of a cluster before OpenSearch 2.0 (the list answers its first 20 by default; the
    /// paging parameters the handler reads are sent), or nil without the Alerting plugin.
    public func destinations() async throws -> Listing<MetadataItem>? {
        guard let json = try await pluginList("\(base)/destinations", query: [("size", "1000")]) else { return nil }
        let items = (json["destinations"]?.arrayValue ?? []).compactMap(NotificationChannelShape.item(fromDestination:))
        let total = json["totalDestinations"]?.intValue ?? Int64(items.count)
        let note =
            total > Int64(items.count)
            ? "\(total - Int64(items.count)) of the source's \(total) alerting destinations were not listed; create the others on the target by hand"
            : nil
        return Listing(elements: items, note: note)
    }

    /// Creates the channel, or replaces it (`replacing`); nil, or the cluster's refusal.
    public func write(channel item: MetadataItem, replacing: Bool) async throws -> RefusedWrite? {
        let path =
            replacing ? "/_plugins/_notifications/configs/\(SearchClient.pathSegment(item.name))" : "/_plugins/_notifications/configs"
        let body: JSONValue = replacing ? .object(["config": item.body["config"] ?? .object([:])]) : item.body
        let response = try await client.send(replacing ? .PUT : .POST, path, body: try RequestBody.encode(body))
        try client.checkAccess(response, method: replacing ? "PUT" : "POST", path: path)
        return response.isSuccess ? nil : RefusedWrite(response)
    }

    /// A plugin's list (a POST with `body`, else a GET): nil when the cluster has no such plugin (400 no handler, 404,
    /// 405); an empty object when the plugin's index does not exist yet (it never held one of these).
    private func pluginList(_ path: String, query: [(String, String)] = [], body: JSONValue? = nil) async throws -> JSONValue? {
        let method = body == nil ? "GET" : "POST"
        let response =
            if let body {
                try await client.send(.POST, path, query: query, body: try RequestBody.encode(body))
            } else {
                try await client.send(.GET, path, query: query)
            }
        try client.checkAccess(response, method: method, path: path)
        if response.status == 404, response.errorSummary?.contains("index_not_found") == true { return .object([:]) }
        if [400, 404, 405, 410].contains(response.status) { return nil }
        return try success(response, method, path)
    }

    private func success(_ response: SearchResponse, _ method: String, _ path: String) throws -> JSONValue {
        guard response.isSuccess, let json = response.json() else {
            throw TernError(
                .badResponse,
                "The \(client.displayName) answered \(method) \(path) with HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? ""); check the cluster's health and run again."
            )
        }
        return json
    }

    /// A write the cluster refused, with its reason.
    public struct RefusedWrite: Error, Sendable {
        public var reason: String

        init(_ response: SearchResponse) {
            reason = response.errorSummary ?? "HTTP \(response.status)"
        }
    }
}
