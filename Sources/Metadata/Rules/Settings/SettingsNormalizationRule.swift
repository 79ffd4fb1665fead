import TernCore

/// The canonical-form step of the transformer, recorded when it changed something.
enum SettingsNormalizationRule: SettingsRule {
    static func apply(to settings: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog) {
        let normalized = SettingsNormalizer.normalize(settings)
        guard normalized != settings else { return }
        let flatKeys = (settings.objectValue ?? [:]).keys.filter { $0.contains(".") || $0 != "index" }.sorted()
        let shown =
            flatKeys.prefix(3).map { "`\($0)`" }.joined(separator: ", ") + (flatKeys.count > 3 ? " and \(flatKeys.count - 3) more" : "")
        log.record("settings.normalize", at: base, "wrote settings \(shown) in the nested `index` form")
        settings = normalized
    }
}
