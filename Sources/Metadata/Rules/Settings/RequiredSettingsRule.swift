import TernCore

/// Applies settings that mapping rules need on the same item (`index.knn: true` for `knn_vector` fields).
enum RequiredSettingsRule {
    static func apply(_ required: [RuleLog.RequiredSetting], to settings: inout JSONValue, at base: JSONPointer, log: inout RuleLog) {
        for setting in required {
            let pointer = JSONPointer(tokens: setting.key.split(separator: ".").map(String.init))
            let current = settings.value(atPointer: pointer)
            if let current, current.stringValue == setting.value.stringValue { continue }
            try? settings.setValue(setting.value, atPointer: pointer)
            log.record(
                setting.rule, at: base.appending(pointer),
                "set `\(setting.key)` to \(MappingUnion.render(setting.value)) (\(setting.reason))")
        }
    }
}
