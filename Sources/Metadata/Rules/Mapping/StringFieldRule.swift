import TernCore

/// Rewrites the `string` type (Elasticsearch 2 and earlier, still readable in 5) as `keyword` or `text`, the way
/// Elasticsearch 5 upgrades it: `index: not_analyzed | no | false` makes `keyword`, anything else `text`; parameters the
/// new type rejects are removed. Walks object, nested, multi-fields and dynamic templates.
enum StringFieldRule: MappingRule {
    static let rule = "mapping.string"

    /// Parameters `keyword` does not accept.
    static let notForKeyword = ["analyzer", "search_analyzer", "index_analyzer", "position_increment_gap", "term_vector", "fielddata"]
    /// Parameters `text` does not accept.
    static let notForText = ["doc_values", "null_value", "ignore_above"]

    static func apply(to mapping: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog) {
        guard context.targetGeneration >= 5 else { return }
        FieldWalker.walk(&mapping, at: base) { definition, place in
            guard definition["type"]?.stringValue == "string" else { return }
            let summary = convert(&definition)
            log.record(rule, at: place.pointer, "changed `string` \(place.subject) to \(summary)")
        }
    }

    /// Converts one definition and says how: "`keyword` (removed `analyzer`)".
    static func convert(_ definition: inout [String: JSONValue]) -> String {
        var removed: [String] = []
        var notes: [String] = []
        let index = definition["index"]
        let indexText = index?.stringValue?.lowercased()
        let isKeyword = indexText == "not_analyzed" || indexText == "no" || indexText == "false"
        if isKeyword {
            definition["type"] = .string("keyword")
            if indexText == "not_analyzed" {
                definition["index"] = nil
            } else {
                definition["index"] = .bool(false)
                if indexText == "no" { notes.append("`index: no` -> `index: false`") }
            }
            for key in notForKeyword where definition.removeValue(forKey: key) != nil { removed.append(key) }
        } else {
            definition["type"] = .string("text")
            if indexText == "analyzed" || indexText == "true" { definition["index"] = nil }
            for key in notForText where definition.removeValue(forKey: key) != nil { removed.append(key) }
            // Elasticsearch 2 wrote fielddata as an object of loading options; text takes only true or false.
            if let fielddata = definition["fielddata"], fielddata.boolValue == nil {
                definition["fielddata"] = nil
                removed.append("fielddata")
            }
        }
        if case .object(let norms)? = definition["norms"] {
            if let enabled = norms["enabled"]?.boolValue {
                definition["norms"] = .bool(enabled)
                notes.append("`norms.enabled` -> `norms: \(enabled)`")
            } else {
                definition["norms"] = nil
                removed.append("norms")
            }
        }
        // Elasticsearch 2 read yes/no as booleans; newer versions accept only true and false.
        for key in ["store", "doc_values", "norms"] {
            if case .string(let text)? = definition[key],
                let value = ["yes": true, "on": true, "no": false, "off": false][text.lowercased()]
            {
                definition[key] = .bool(value)
                notes.append("`\(key): \(text)` -> `\(value)`")
            }
        }
        var summary = "`\(isKeyword ? "keyword" : "text")`"
        if !removed.isEmpty { notes.append("removed " + removed.map { "`\($0)`" }.joined(separator: ", ")) }
        if !notes.isEmpty { summary += " (" + notes.joined(separator: "; ") + ")" }
        return summary
    }
}
