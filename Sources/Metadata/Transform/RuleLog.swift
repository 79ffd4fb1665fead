import TernCore

/// What rules did and found while transforming one item, and settings that mapping rules need on the same item.
struct RuleLog: Sendable, Hashable {
    /// A setting a mapping rule needs (`index.knn: true` for vector fields).
    struct RequiredSetting: Sendable, Hashable {
        var key: String
        var value: JSONValue
        var rule: String
        var reason: String
    }

    var transformations: [Transformation] = []
    var findings: [Unconvertible] = []
    var requiredSettings: [RequiredSetting] = []

    mutating func record(_ rule: String, at place: JSONPointer, _ summary: String) {
        transformations.append(Transformation(rule: rule, at: place, summary))
    }

    mutating func find(
        _ rule: String, at place: JSONPointer, what: String, why: String, action: String, impact: Unconvertible.Impact = .blocking
    ) {
        findings.append(Unconvertible(rule: rule, place: place.description, what: what, why: why, action: action, impact: impact))
    }

    mutating func require(_ key: String, _ value: JSONValue, rule: String, reason: String) {
        let setting = RequiredSetting(key: key, value: value, rule: rule, reason: reason)
        if !requiredSettings.contains(setting) { requiredSettings.append(setting) }
    }

    mutating func append(_ other: RuleLog) {
        transformations += other.transformations
        findings += other.findings
        for setting in other.requiredSettings where !requiredSettings.contains(setting) { requiredSettings.append(setting) }
    }
}
