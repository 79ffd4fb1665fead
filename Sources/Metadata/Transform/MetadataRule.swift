import TernCore

/// A built-in rule over one typeless mapping (the properties of one type, or of an index without types).
protocol MappingRule {
    /// - Parameters:
    ///   - mapping: the mapping, changed in place.
    ///   - base: where the mapping sits in the item body (`/mappings`), for the places in the log.
    static func apply(to mapping: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog)
}

/// A built-in rule over canonical nested settings (`{"index": {...}}`, see `SettingsNormalizer`).
protocol SettingsRule {
    static func apply(to settings: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog)
}

/// A built-in rule over a whole item (template fields, pipelines).
protocol ItemRule {
    static func apply(to item: inout MetadataItem, context: TransformContext, log: inout RuleLog)
}
