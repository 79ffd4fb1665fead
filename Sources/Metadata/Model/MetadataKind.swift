/// What sort of metadata an item is. Raw values are the names used in `--json` output and in user rule files.
public enum MetadataKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A legacy template (`_template`, with `order` and `index_patterns`).
    case legacyTemplate = "legacy-template"
    /// A component template (`_component_template`, Elasticsearch 7.8+ and OpenSearch).
    case componentTemplate = "component-template"
    /// A composable index template (`_index_template`, Elasticsearch 7.8+ and OpenSearch).
    case indexTemplate = "index-template"
    /// An index with its settings, mappings and aliases.
    case index
    /// An ingest pipeline.
    case pipeline
    /// An index lifecycle policy as OpenSearch's Index State Management writes it (`_plugins/_ism/policies`); read from
    /// an Elasticsearch source as its ILM policy (`_ilm/policy`) and converted.
    case ismPolicy = "ism-policy"
    /// A data stream (`_data_stream`, Elasticsearch 7.9+ and OpenSearch 1.0+): created on the target from its index
    /// template; its backing indices (`.ds-…`) are never items of their own.
    case dataStream = "data-stream"
    /// One persistent cluster setting (`_cluster/settings`), carried only with `--cluster-settings` and only when
    /// ``ClusterSettingsPolicy`` says it makes sense on the target.
    case clusterSetting = "cluster-setting"
    /// An alerting monitor (`_plugins/_alerting/monitors`, Open Distro and OpenSearch), known by its name: each cluster
    /// gives it its own id. Created on the target with its schedule disabled; `tern cutover` enables it.
    case alertingMonitor = "alerting-monitor"
    /// A notification channel (`_plugins/_notifications/configs`, OpenSearch 2.0+), known by its config id, which
    /// monitors' actions name; read from an older source as an alerting destination and converted.
    case notificationChannel = "notification-channel"

    public var description: String { rawValue }

    /// Parses a kind as written in a rule file; `_` and `-` are both accepted (`index_template`).
    public init?(name: String) {
        self.init(rawValue: name.lowercased().replacingOccurrences(of: "_", with: "-"))
    }

    /// Where the item's settings, mappings and aliases sit in its body: at the top for indices and legacy templates,
    /// under `template` for composable and component templates; nil for pipelines.
    public var indexBodyPointer: JSONPointer? {
        switch self {
        case .index, .legacyTemplate: JSONPointer()
        case .indexTemplate, .componentTemplate: JSONPointer(tokens: ["template"])
        case .pipeline, .ismPolicy, .dataStream, .clusterSetting, .alertingMonitor, .notificationChannel: nil
        }
    }

    /// Whether the item is a template of any sort.
    public var isTemplate: Bool {
        self == .legacyTemplate || self == .componentTemplate || self == .indexTemplate
    }
}
