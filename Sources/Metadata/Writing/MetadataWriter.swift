import Logging
import SearchClient
import TernCore

/// Creates (or, for templates and pipelines, replaces) metadata items on the target, one request each.
public struct MetadataWriter: Sendable {
    /// What happened to one item.
    public struct Outcome: Sendable, Equatable {
        public var created: Bool
        /// `/settings/index/foo: unknown setting [index.foo]...` for each value removed by `--drop-unsupported`.
        public var dropped: [String]
        /// The target's refusal, when it refused.
        public var error: String?
    }

    public let client: SearchClient
    public let logger: Logger
    /// Retry without the settings and mapping parameters the target calls unknown.
    public let dropUnsupported: Bool
    /// The target's monitors by name, for replacing one (monitors are known by name; the target has its own ids).
    public var targetMonitors: [String: AlertingAPI.Monitor] = [:]

    public init(client: SearchClient, logger: Logger, dropUnsupported: Bool) {
        self.client = client
        self.logger = logger
        self.dropUnsupported = dropUnsupported
    }

    /// The request that creates an item.
    static func path(for item: MetadataItem) -> String {
        switch item.kind {
        case .index: "/\(item.name)"
        case .legacyTemplate: "/_template/\(item.name)"
        case .indexTemplate: "/_index_template/\(item.name)"
        case .componentTemplate: "/_component_template/\(item.name)"
        case .pipeline: "/_ingest/pipeline/\(item.name)"
        case .ismPolicy: "/_plugins/_ism/policies/\(item.name)"
        case .dataStream: "/_data_stream/\(item.name)"
        case .clusterSetting: "/_cluster/settings"
        case .alertingMonitor: "/_plugins/_alerting/monitors"
        case .notificationChannel: "/_plugins/_notifications/configs"
        }
    }

    /// Sends the item; with `dropUnsupported`, removes what the target names as unknown and tries again (a few times,
    /// as each answer names one problem).
    public func write(_ item: MetadataItem, replacing: Bool = false) async throws -> Outcome {
        if item.kind == .alertingMonitor || item.kind == .notificationChannel {
            return try await writeAlerting(item, replacing: replacing)
        }
        var body = item
        var dropped: [String] = []
        var path = Self.path(for: item)
        if item.kind == .ismPolicy, let version = try await ismVersion(path) {
            // ISM replaces a policy only when told which version it replaces; without, it answers 409.
            path += "?if_seq_no=\(version.seqNo)&if_primary_term=\(version.primaryTerm)"
        }
        for _ in 0..<16 {
            // A data stream is created by name alone: its settings and mappings come from its index template.
            let response = try await client.send(.PUT, path, body: item.kind == .dataStream ? nil : try RequestBody.encode(body.body))
            try client.checkAccess(response, method: "PUT", path: path)
            if response.isSuccess {
                logger.info("metadata created", metadata: ["item": "\(item.label)"])
                return Outcome(created: true, dropped: dropped, error: nil)
            }
            let reason = response.errorSummary ?? "HTTP \(response.status)"
            let rejected = dropUnsupported ? RejectedParameter.parse(reason: reason, item: body) : []
            guard !rejected.isEmpty else { return Outcome(created: false, dropped: dropped, error: reason) }
            for parameter in rejected {
                body.body.removeValue(atPointer: parameter.pointer)
                dropped.append("\(parameter.pointer): \(parameter.reason)")
            }
        }
        return Outcome(created: false, dropped: dropped, error: "the target kept refusing after \(dropped.count) removals")
    }

    /// Monitors and channels go through the plugins' own APIs: a monitor is created disabled (a replaced one keeps
    /// the target's schedule switch), a channel keeps its config id.
    private func writeAlerting(_ item: MetadataItem, replacing: Bool) async throws -> Outcome {
        let api = AlertingAPI(client: client)
        let refusal: AlertingAPI.RefusedWrite?
        if item.kind == .notificationChannel {
            refusal = try await api.write(channel: item, replacing: replacing)
        } else if replacing, let existing = targetMonitors[item.name] {
            refusal = try await api.replace(
                monitor: existing.id, with: MonitorShape.writable(item.body, enabled: existing.enabled))
        } else {
            switch try await api.create(monitor: MonitorShape.writable(item.body, enabled: false)) {
            case .success: refusal = nil
            case .failure(let refused): refusal = refused
            }
        }
        if let refusal { return Outcome(created: false, dropped: [], error: refusal.reason) }
        logger.info("metadata created", metadata: ["item": "\(item.label)"])
        return Outcome(created: true, dropped: [], error: nil)
    }

    /// The sequence number and primary term of the ISM policy stored at `path`, or nil when there is none.
    private func ismVersion(_ path: String) async throws -> (seqNo: Int64, primaryTerm: Int64)? {
        let response = try await client.send(.GET, path)
        try client.checkAccess(response, method: "GET", path: path)
        guard response.isSuccess, let json = response.json(), let seqNo = json["_seq_no"]?.intValue,
            let term = json["_primary_term"]?.intValue
        else { return nil }
        return (seqNo, term)
    }
}
