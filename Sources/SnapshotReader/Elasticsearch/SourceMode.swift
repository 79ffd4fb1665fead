import TernCore

/// What an index keeps of each document's `_source`, decided from its metadata alone (settings and mappings).
///
/// The rules, from elastic/elasticsearch (`SourceFieldMapper`, `IndexMode`, `IndexSettings`) and
/// opensearch-project/OpenSearch (`SourceFieldMapper`, `IndexSettings`):
/// - `_source.enabled: false` in the mappings: nothing is stored.
/// - Elasticsearch 8.17+ setting `index.mapping.source.mode` (`stored`, `synthetic`, `disabled`) wins over everything;
///   before it, the mapping's `_source.mode` (8.4+) did the same.
/// - `index.mode: logsdb` and `time_series` default to synthetic source (the cluster rebuilds `_source` from doc values
///   and stored fields; Lucene holds no `_source`). Without a license for synthetic source, 8.17+ records
///   `index.mapping.source.mode: stored` in the settings, so the setting still tells.
/// - OpenSearch 3.x `index.derived_source.enabled: true`: like synthetic source, the cluster derives `_source` on read.
/// - `_source.includes` / `_source.excludes` (also the older `include`/`exclude`): `_source` is stored, filtered.
public enum SourceMode: Sendable, Equatable {
    /// The whole `_source` is stored.
    case stored
    /// `_source` is stored without the excluded paths (or with only the included ones).
    case filtered(includes: [String], excludes: [String])
    /// No `_source` is stored; `reason` names the setting or mapping that says so.
    case disabled(reason: String)
    /// The cluster rebuilds `_source` on read (Elasticsearch synthetic source, OpenSearch derived source); the snapshot
    /// holds no `_source` to copy. `reason` names the setting or mapping.
    case synthetic(reason: String)

    /// The word reports use: `stored`, `filtered`, `disabled`, `synthetic`.
    public var name: String {
        switch self {
        case .stored: "stored"
        case .filtered: "filtered"
        case .disabled: "disabled"
        case .synthetic: "synthetic"
        }
    }

    /// Whether the documents can be copied from the Lucene files of a snapshot.
    public var isReadableFromSnapshot: Bool {
        switch self {
        case .stored, .filtered: true
        case .disabled, .synthetic: false
        }
    }

    /// Decides the mode from an index's settings (flat `index.x.y` keys or nested) and mappings (the snapshot's list of
    /// `{type: mapping}` objects, one `{type: mapping}` object, or a typeless mapping).
    public init(settings: JSONValue?, mappings: JSONValue?) {
        let setting = { (key: String) -> JSONValue? in settings?[key] ?? settings?.value(at: key) }
        let sourceMappings = Self.sourceMappings(mappings)
        if let mode = setting("index.mapping.source.mode")?.stringValue?.lowercased() {
            switch mode {
            case "synthetic":
                self = .synthetic(reason: "index.mapping.source.mode: synthetic")
                return
            case "disabled":
                self = .disabled(reason: "index.mapping.source.mode: disabled")
                return
            default:
                self = Self.storedMode(sourceMappings)
                return
            }
        }
        if sourceMappings.contains(where: { $0["enabled"]?.boolValue == false }) {
            self = .disabled(reason: "_source.enabled: false")
            return
        }
        if let mode = sourceMappings.compactMap({ $0["mode"]?.stringValue?.lowercased() }).first {
            switch mode {
            case "synthetic":
                self = .synthetic(reason: "_source.mode: synthetic")
                return
            case "disabled":
                self = .disabled(reason: "_source.mode: disabled")
                return
            default:
                self = Self.storedMode(sourceMappings)
                return
            }
        }
        if let indexMode = setting("index.mode")?.stringValue?.lowercased(), ["logsdb", "time_series"].contains(indexMode) {
            self = .synthetic(reason: "index.mode: \(indexMode)")
            return
        }
        if setting("index.derived_source.enabled")?.boolValue == true {
            self = .synthetic(reason: "index.derived_source.enabled: true")
            return
        }
        self = Self.storedMode(sourceMappings)
    }

    private static func storedMode(_ sourceMappings: [JSONValue]) -> SourceMode {
        let strings = { (keys: [String]) -> [String] in
            sourceMappings.flatMap { source in
                keys.flatMap { key -> [String] in
                    if let list = source[key]?.arrayValue { return list.compactMap(\.stringValue) }
                    return source[key]?.stringValue.map { [$0] } ?? []
                }
            }
        }
        let includes = strings(["includes", "include"])
        let excludes = strings(["excludes", "exclude"])
        return includes.isEmpty && excludes.isEmpty ? .stored : .filtered(includes: includes, excludes: excludes)
    }

    /// Every `_source` object in the mappings, whatever their shape.
    private static func sourceMappings(_ mappings: JSONValue?) -> [JSONValue] {
        guard let mappings else { return [] }
        var candidates: [JSONValue] = mappings.arrayValue ?? [mappings]
        candidates += candidates.flatMap { $0.objectValue.map { Array($0.values) } ?? [] }
        return candidates.compactMap { $0["_source"] }.filter { $0.objectValue != nil }
    }
}

extension SourceMode {
    /// Why the documents of `index` cannot be copied from the snapshot, and what the operator can do; nil when they can.
    public func refusal(index: String, snapshot: String) -> String? {
        switch self {
        case .stored, .filtered:
            return nil
        case .disabled(let reason):
            return
                "Index \(index) in snapshot \(snapshot) stores no _source (\(reason)), so its documents cannot be rebuilt from the snapshot or from a live cluster; leave it out (--exclude \(index) for backfill, --index for the others with snapshot docs) and reindex it from its original data."
        case .synthetic(let reason):
            return
                "Index \(index) in snapshot \(snapshot) has synthetic _source (\(reason)): the cluster rebuilds each document on read and the snapshot holds no _source to copy; copy it live with tern backfill --source URL --index \(index), which reads what the cluster reconstructs, or leave it out (--exclude \(index) for backfill, --index for the others with snapshot docs)."
        }
    }

    /// The warning for a filtered `_source`: the copy has what the index stored, not what clients sent.
    public func warning(index: String, snapshot: String) -> String? {
        guard case .filtered(let includes, let excludes) = self else { return nil }
        var parts: [String] = []
        if !excludes.isEmpty { parts.append("without \(excludes.joined(separator: ", "))") }
        if !includes.isEmpty { parts.append("with only \(includes.joined(separator: ", "))") }
        return
            "index \(index) in snapshot \(snapshot) stores a filtered _source (\(parts.joined(separator: "; "))): its documents are copied as stored, and those paths cannot be recovered from the snapshot."
    }
}
