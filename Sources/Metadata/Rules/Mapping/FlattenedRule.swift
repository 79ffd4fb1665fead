import TernCore

/// Rewrites `flattened` (Elasticsearch 7.3+) as `flat_object`, which OpenSearch has from 2.7; `flat_object` takes no
/// parameters, so they are removed. Older OpenSearch targets have no equivalent: reported, the item blocked.
enum FlattenedRule: MappingRule {
    static let rule = "mapping.flattened"
    static let firstOpenSearchVersion = SemanticVersion(2, 7)

    static func apply(to mapping: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog) {
        guard context.targetIsOpenSearch else { return }
        FieldWalker.walk(&mapping, at: base) { definition, place in
            guard definition["type"]?.stringValue == "flattened" else { return }
            guard context.targetIsOpenSearch(atLeast: firstOpenSearchVersion) else {
                log.find(
                    rule, at: place.pointer, what: "`flattened` \(place.subject)",
                    why: "\(context.target.displayName) has no equivalent (`flat_object` arrived in OpenSearch 2.7)",
                    action: "use an OpenSearch 2.7+ target, or map the field as `object` (or `keyword`) with a user rule")
                return
            }
            let dropped = definition.keys.filter { $0 != "type" }.sorted()
            definition = ["type": .string("flat_object")]
            var summary = "changed `flattened` \(place.subject) to `flat_object`"
            if !dropped.isEmpty { summary += " (removed " + dropped.map { "`\($0)`" }.joined(separator: ", ") + ")" }
            log.record(rule, at: place.pointer, summary)
        }
    }
}
