import TernCore

/// Reports field types an OpenSearch target does not have (Elastic-only types, or types that arrived in a later
/// OpenSearch). Runs after the converting rules, so `dense_vector` and `flattened` are handled there.
enum FieldTypeSupportRule: MappingRule {
    static let rule = "mapping.unsupported-type"

    /// Field types and the first OpenSearch version that has them (nil: none has).
    static let openSearchSince: [String: SemanticVersion?] = [
        "unsigned_long": SemanticVersion(2, 8),
        "match_only_text": SemanticVersion(2, 12),
        "constant_keyword": SemanticVersion(2, 14),
        "wildcard": SemanticVersion(2, 15),
        "version": nil,
        "histogram": nil,
        "aggregate_metric_double": nil,
        "counted_keyword": nil,
        "semantic_text": nil,
        "passthrough": nil,
    ]

    static func apply(to mapping: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog) {
        guard context.targetIsOpenSearch else { return }
        FieldWalker.walk(&mapping, at: base) { definition, place in
            guard let type = definition["type"]?.stringValue, let since = openSearchSince[type] else { return }
            if let since, context.target.version >= since { return }
            let why =
                since.map { "`\(type)` arrived in OpenSearch \($0.major).\($0.minor) and the target runs \(context.target.version)" }
                ?? "OpenSearch has no `\(type)` type"
            log.find(
                rule, at: place.pointer, what: "\(place.subject) of type `\(type)`", why: why,
                action: "change its definition at \(place.pointer) with a user rule (for example to `keyword`), or leave the item out")
        }
    }
}
