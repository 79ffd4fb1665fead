import TernCore

/// Renames camel-case analysis components that Elasticsearch 7 and OpenSearch refuse in new indices (`nGram` ->
/// `ngram`, `edgeNGram` -> `edge_ngram`, `delimited_payload_filter` -> `delimited_payload`, `htmlStrip` -> `html_strip`,
/// `PathHierarchy` -> `path_hierarchy`), both as component types and as names in analyzers, and removes the `standard`
/// token filter (a no-op removed in 7) from analyzers' and normalizers' filter lists.
enum AnalysisRenameRule: SettingsRule {
    static let renames: [String: String] = [
        "nGram": "ngram", "edgeNGram": "edge_ngram", "delimited_payload_filter": "delimited_payload", "htmlStrip": "html_strip",
        "PathHierarchy": "path_hierarchy",
    ]

    static func apply(to settings: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog) {
        guard context.targetGeneration >= 7 else { return }
        let analysis = JSONPointer(tokens: ["index", "analysis"])
        guard case .object(var sections)? = settings.value(atPointer: analysis) else { return }

        // Custom filters declared with type `standard` go too, with every reference to them.
        var removedFilters: Set<String> = ["standard"]
        if case .object(var filters)? = sections["filter"] {
            for name in filters.keys.sorted() where filters[name]?["type"]?.stringValue == "standard" {
                filters[name] = nil
                removedFilters.insert(name)
                log.record(
                    "settings.standard-filter", at: base.appending(analysis).appending("filter", name),
                    "removed token filter `\(name)` of type `standard` (removed in Elasticsearch 7)")
            }
            sections["filter"] = .object(filters)
        }

        for section in ["analyzer", "tokenizer", "filter", "char_filter", "normalizer"] {
            guard case .object(var components)? = sections[section] else { continue }
            for name in components.keys.sorted() {
                guard case .object(var component)? = components[name] else { continue }
                let place = base.appending(analysis).appending(section, name)
                if let type = component["type"]?.stringValue, let renamed = renames[type] {
                    component["type"] = .string(renamed)
                    log.record(
                        "settings.analysis-rename", at: place.appending("type"),
                        "renamed \(section) type `\(type)` to `\(renamed)` in `\(name)`")
                }
                if section == "analyzer" || section == "normalizer" {
                    if let tokenizer = component["tokenizer"]?.stringValue, let renamed = renames[tokenizer] {
                        component["tokenizer"] = .string(renamed)
                        log.record(
                            "settings.analysis-rename", at: place.appending("tokenizer"),
                            "renamed tokenizer `\(tokenizer)` to `\(renamed)` in `\(name)`")
                    }
                    for list in ["filter", "char_filter"] {
                        guard case .array(let entries)? = component[list] else { continue }
                        var result: [JSONValue] = []
                        for entry in entries {
                            guard let text = entry.stringValue else {
                                result.append(entry)
                                continue
                            }
                            if list == "filter" && removedFilters.contains(text) {
                                log.record(
                                    "settings.standard-filter", at: place.appending(list), "removed token filter `\(text)` from `\(name)`")
                            } else if let renamed = renames[text] {
                                result.append(.string(renamed))
                                log.record(
                                    "settings.analysis-rename", at: place.appending(list),
                                    "renamed \(list) `\(text)` to `\(renamed)` in `\(name)`")
                            } else {
                                result.append(entry)
                            }
                        }
                        component[list] = .array(result)
                    }
                }
                components[name] = .object(component)
            }
            sections[section] = .object(components)
        }
        try? settings.setValue(.object(sections), atPointer: analysis)
    }
}
