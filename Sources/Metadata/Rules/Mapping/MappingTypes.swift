import TernCore

/// Mapping types: recognises the type wrapper (`{"_doc": {"properties": ...}}`, any type name, several types in
/// Elasticsearch 5, `_default_`) and separates the per-type mappings, whatever `include_type_name` shape the source used.
enum MappingTypes {
    /// One type's mapping without its wrapper; `type` is nil when the source had no wrapper.
    struct TypedMapping: Sendable, Hashable {
        var type: String?
        var mapping: JSONValue
    }

    /// Top-level keys of a typeless mapping that do not start with `_` (keys starting with `_` are meta fields,
    /// except the type names `_doc` and `_default_`).
    static let mappingKeywords: Set<String> = [
        "properties", "dynamic", "dynamic_templates", "date_detection", "numeric_detection", "dynamic_date_formats", "runtime",
        "subobjects", "enabled", "include_in_all", "transform", "derived", "analyzer", "search_analyzer", "index_analyzer",
    ]

    /// Whether `mappings` is wrapped in type names: every key is a possible type name holding an object.
    static func isTyped(_ mappings: JSONValue) -> Bool {
        guard let object = mappings.objectValue, !object.isEmpty else { return false }
        return object.allSatisfy { key, value in
            value.objectValue != nil && !mappingKeywords.contains(key) && (!key.hasPrefix("_") || key == "_doc" || key == "_default_")
        }
    }

    /// The per-type mappings, with `_default_` resolved: dropped from indices (its content was applied to each type when
    /// the type was created), used as the mapping when it is the only type, and laid under each type of a template
    /// (a template's `_default_` applies to every type its indices get).
    static func separate(_ mappings: JSONValue, kind: MetadataKind, at base: JSONPointer, log: inout RuleLog) -> [TypedMapping] {
        guard isTyped(mappings), var types = mappings.objectValue else { return [TypedMapping(type: nil, mapping: mappings)] }
        if let defaultMapping = types.removeValue(forKey: "_default_") {
            let place = base.appending("_default_")
            if types.isEmpty {
                types["_default_"] = defaultMapping
                log.record("mapping.default-type", at: place, "used the `_default_` mapping as the mapping (it was the only one)")
            } else if kind == .index {
                log.record("mapping.default-type", at: place, "removed `_default_` (its content is already part of each type)")
            } else {
                for name in types.keys {
                    types[name] = laid(types[name] ?? .object([:]), over: defaultMapping)
                }
                log.record(
                    "mapping.default-type", at: place,
                    "laid `_default_` under type\(types.count > 1 ? "s" : "") \(quoted(types.keys.sorted())) and removed it")
            }
        }
        return types.keys.sorted().map { TypedMapping(type: $0, mapping: types[$0] ?? .object([:])) }
    }

    /// `mapping` with anything missing taken from `base` (objects merged key by key; the mapping's values win).
    static func laid(_ mapping: JSONValue, over base: JSONValue) -> JSONValue {
        guard case .object(var result) = base, case .object(let top) = mapping else { return mapping }
        for (key, value) in top {
            result[key] = result[key].map { laid(value, over: $0) } ?? value
        }
        return .object(result)
    }

    static func quoted(_ names: [String]) -> String {
        names.map { "`\($0)`" }.joined(separator: ", ")
    }
}
