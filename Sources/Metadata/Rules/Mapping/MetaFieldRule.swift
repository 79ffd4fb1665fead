import TernCore

/// Removes meta fields and parameters that newer versions reject: `_all` (gone in 7), `include_in_all` (gone in 6),
/// `_parent` (gone in 6; reported, because a `join` field is a modelling decision), `_field_names` settings (deprecated
/// in 7), `_timestamp` and `_ttl` (gone in 5); runtime fields (Elastic-only) are removed and reported.
enum MetaFieldRule: MappingRule {
    static func apply(to mapping: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog) {
        guard case .object(var root) = mapping else { return }
        let generation = context.targetGeneration

        if generation >= 7, let all = root.removeValue(forKey: "_all") {
            let enabled = all["enabled"]?.boolValue ?? true
            log.record(
                "mapping.meta.all", at: base.appending("_all"),
                enabled
                    ? "removed `_all` (the target has no `_all` field; queries relying on it need a `copy_to` catch-all field)"
                    : "removed `_all` (it was disabled, and the target has no `_all` field)")
        }
        if generation >= 6, let parent = root.removeValue(forKey: "_parent") {
            let parentType = parent["type"]?.stringValue ?? "?"
            log.record("mapping.meta.parent", at: base.appending("_parent"), "removed `_parent` (parent type `\(parentType)`)")
            log.find(
                "mapping.meta.parent", at: base.appending("_parent"),
                what: "parent/child relation to type `\(parentType)` (`_parent`)",
                why: "the target has no `_parent` field and a `join` field cannot be derived automatically",
                action: "add a `join` field with a user rule and give child documents their parent as routing when copying",
                impact: .featureLost)
        }
        if generation >= 7, root.removeValue(forKey: "_field_names") != nil {
            log.record(
                "mapping.meta.field-names", at: base.appending("_field_names"),
                "removed `_field_names` settings (disabling it is deprecated and no longer saves space)")
        }
        if generation >= 5 {
            for meta in ["_timestamp", "_ttl"] where root.removeValue(forKey: meta) != nil {
                let note = meta == "_ttl" ? "; expire old data with an ISM policy instead" : "; add a date field if documents need it"
                log.record(
                    "mapping.meta.\(meta.dropFirst())", at: base.appending(meta), "removed `\(meta)` (removed in Elasticsearch 5\(note))")
            }
        }
        if generation >= 6, root.removeValue(forKey: "include_in_all") != nil {
            log.record("mapping.include-in-all", at: base.appending("include_in_all"), "removed `include_in_all` (`_all` no longer exists)")
        }
        if context.isElasticToOpenSearch, case .object(let runtime)? = root.removeValue(forKey: "runtime") {
            let names = runtime.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")
            log.record("mapping.runtime", at: base.appending("runtime"), "removed runtime fields \(names)")
            log.find(
                "mapping.runtime", at: base.appending("runtime"), what: "runtime fields \(names)",
                why: "OpenSearch has no runtime fields, so queries on them find nothing",
                action: "index the values as real fields, or define derived fields (OpenSearch 2.15+) with a user rule",
                impact: .featureLost)
        }
        mapping = .object(root)

        guard generation >= 6 else { return }
        FieldWalker.walk(&mapping, at: base) { definition, place in
            if definition.removeValue(forKey: "include_in_all") != nil {
                log.record(
                    "mapping.include-in-all", at: place.pointer.appending("include_in_all"),
                    "removed `include_in_all` from \(place.subject) (`_all` no longer exists)")
            }
        }
    }
}
