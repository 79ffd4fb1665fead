import TernCore

/// Removes fields of composable and component templates that only Elasticsearch has (an OpenSearch target rejects the
/// template otherwise): `allow_auto_create`, `ignore_missing_component_templates`, `deprecated`, data stream options
/// beyond the timestamp field, and the data stream lifecycle. A data stream section left empty names its timestamp field
/// as OpenSearch stores it, so that the read-back matches what was sent.
enum ComposableTemplateRule: ItemRule {
    static let rule = "template.elastic-only"

    static func apply(to item: inout MetadataItem, context: TransformContext, log: inout RuleLog) {
        guard item.kind == .indexTemplate || item.kind == .componentTemplate, context.isElasticToOpenSearch else { return }
        var pointers: [JSONPointer] = [
            JSONPointer(tokens: ["deprecated"]), JSONPointer(tokens: ["template", "lifecycle"]),
            JSONPointer(tokens: ["template", "data_stream_options"]),
        ]
        if item.kind == .indexTemplate {
            pointers += [
                JSONPointer(tokens: ["allow_auto_create"]), JSONPointer(tokens: ["ignore_missing_component_templates"]),
                JSONPointer(tokens: ["data_stream", "hidden"]), JSONPointer(tokens: ["data_stream", "allow_custom_routing"]),
                JSONPointer(tokens: ["data_stream", "failure_store"]),
            ]
        }
        for pointer in pointers {
            guard let removed = item.body.removeValue(atPointer: pointer) else { continue }
            let name = pointer.tokens.joined(separator: ".")
            log.record(rule, at: pointer, "removed `\(name)`: \(MappingUnion.render(removed)) (Elasticsearch only)")
            if name == "ignore_missing_component_templates" {
                log.find(
                    rule, at: pointer, what: "optional component templates \(MappingUnion.render(removed))",
                    why: "OpenSearch requires every component template in `composed_of` to exist",
                    action: "migrate those component templates too, or remove them from `composed_of` with a user rule",
                    impact: .featureLost)
            }
        }
        let stream = JSONPointer(tokens: ["data_stream"])
        if item.kind == .indexTemplate, let section = item.body.value(atPointer: stream)?.objectValue, section["timestamp_field"] == nil {
            var named = section
            named["timestamp_field"] = .object(["name": .string("@timestamp")])
            try? item.body.setValue(.object(named), atPointer: stream)
            log.record(rule, at: stream, "named the timestamp field `@timestamp` (Elasticsearch's fixed field; OpenSearch stores it)")
        }
    }
}
