import TernCore

/// Looks at `_source`: disabled means documents cannot be copied (the metadata still can); `includes`/`excludes` mean
/// copies lack those fields; synthetic source (`mode`, Elasticsearch 8) is removed because the target stores source.
enum SourceFieldRule: MappingRule {
    static func apply(to mapping: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog) {
        guard case .object(var source)? = mapping["_source"] else { return }
        let place = base.appending("_source")
        if source["enabled"]?.boolValue == false {
            log.find(
                "mapping.source-disabled", at: place, what: "`_source` is disabled",
                why: "documents keep no source to read, so they cannot be copied (the settings and mappings still are)",
                action: "reindex from the system of record into the target, or re-enable `_source` and reindex on the source first",
                impact: .documentsNotCopied)
        }
        let filters = ["includes", "excludes"].filter { source[$0]?.arrayValue?.isEmpty == false }
        if !filters.isEmpty {
            log.find(
                "mapping.source-filtered", at: place, what: "`_source` \(filters.joined(separator: " and "))",
                why: "the source stores only part of each document, so copies lack the filtered fields",
                action: "accept the partial copies, or feed the target from the system of record", impact: .featureLost)
        }
        if context.targetIsOpenSearch, let mode = source.removeValue(forKey: "mode") {
            log.record(
                "mapping.source-mode", at: place.appending("mode"),
                "removed `_source.mode: \(mode.stringValue ?? "?")` (OpenSearch stores the source; documents are copied from the reconstructed source)"
            )
            guard case .object(var root) = mapping else { return }
            root["_source"] = source.isEmpty ? nil : .object(source)
            mapping = .object(root)
        }
    }
}
