import TernCore

/// Index settings in one canonical form. Clusters return settings nested (`{"index": {"number_of_shards": "1"}}`) or,
/// with `flat_settings`, flat (`{"index.number_of_shards": "1"}`); requests may also leave out the `index.` prefix.
/// All of these become one nested form under `index`; values are kept as given (numbers sent as strings stay strings).
public enum SettingsNormalizer {
    /// The canonical nested form of settings in any accepted form.
    public static func normalize(_ settings: JSONValue) -> JSONValue {
        nest(flatten(settings))
    }

    /// Settings as flat `index.`-prefixed keys and their values, sorted by key. Lists are values, not levels.
    public static func flatten(_ settings: JSONValue) -> [(key: String, value: JSONValue)] {
        var result: [String: JSONValue] = [:]
        func visit(_ value: JSONValue, _ prefix: String) {
            if case .object(let object) = value, !object.isEmpty || prefix.isEmpty {
                for (key, child) in object { visit(child, prefix.isEmpty ? key : "\(prefix).\(key)") }
            } else {
                let key = prefix == "index" || prefix.hasPrefix("index.") ? prefix : "index.\(prefix)"
                result[key] = value
            }
        }
        visit(settings, "")
        return result.keys.sorted().map { ($0, result[$0] ?? .null) }
    }

    /// Nested settings from flat keys. A key that is both a value and a level (which clusters never produce) keeps the
    /// rest of its name as one dotted key at the level where the clash is.
    public static func nest(_ flat: [(key: String, value: JSONValue)]) -> JSONValue {
        var root: JSONValue = .object([:])
        for (key, value) in flat {
            var tokens: [String] = []
            var current: JSONValue? = root
            let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            for (position, part) in parts.enumerated() {
                let isLast = position == parts.count - 1
                let next = current?[part]
                if isLast || (next != nil && next?.objectValue == nil) {
                    tokens.append(parts[position...].joined(separator: "."))
                    break
                }
                tokens.append(part)
                current = next
            }
            try? root.setValue(value, atPointer: JSONPointer(tokens: tokens))
        }
        return root
    }

    /// Whether the settings were not in the canonical form already (flat keys, keys without `index.`).
    static func isCanonical(_ settings: JSONValue) -> Bool {
        normalize(settings) == settings
    }
}
