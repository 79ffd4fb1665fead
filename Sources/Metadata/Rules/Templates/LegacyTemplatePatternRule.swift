import TernCore

/// Legacy templates before Elasticsearch 6 name their indices with one `template` pattern; from 6 on the field is
/// `index_patterns`, a list.
enum LegacyTemplatePatternRule: ItemRule {
    static func apply(to item: inout MetadataItem, context: TransformContext, log: inout RuleLog) {
        guard item.kind == .legacyTemplate, context.targetGeneration >= 6, case .object(var body) = item.body,
            let pattern = body.removeValue(forKey: "template")
        else { return }
        if body["index_patterns"] == nil {
            let patterns: JSONValue =
                if case .array = pattern { pattern } else {
                    .array((pattern.stringValue ?? "").split(separator: ",").map { .string(String($0)) })
                }
            body["index_patterns"] = patterns
            log.record(
                "template.index-patterns", at: JSONPointer(tokens: ["index_patterns"]),
                "moved `template: \(MappingUnion.render(pattern))` to `index_patterns`")
        } else {
            log.record(
                "template.index-patterns", at: JSONPointer(tokens: ["template"]),
                "removed `template` (the template also has `index_patterns`)")
        }
        item.body = .object(body)
    }
}
