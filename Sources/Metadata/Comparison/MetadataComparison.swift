import TernCore

/// Compares an item as it would be created with what the target already has, canonically: settings in one form on both
/// sides with numbers sent as strings equal to numbers (`"1"` = `1`), settings the target makes itself ignored (`uuid`,
/// `creation_date`, `provided_name`, `version.*`...), an empty section equal to a missing one, a legacy template's
/// missing `order` equal to 0.
public enum MetadataComparison {
    public enum Outcome: Sendable, Hashable {
        case identical
        /// The JSON pointers (in the item body) where the two differ, sorted.
        case different([String])
    }

    /// Settings a target adds on its own when it creates an index, beyond the never-copied ones.
    static let targetAddedSettings: Set<String> = ["index.replication.type"]

    /// - Parameters:
    ///   - desired: the transformed item.
    ///   - existing: the body the target returns for the same name (same shape as the item's body).
    public static func compare(_ desired: MetadataItem, existing: JSONValue) -> Outcome {
        let left = canonical(desired.body, kind: desired.kind, ignoring: [])
        // A setting the target adds on its own is ignored only when the item does not set it: an OpenSearch 2+ source
        // sends `index.replication.type` itself, and then the target's value must match it.
        var sets: Set<String> = []
        if let pointer = desired.settingsPointer, let settings = desired.body.value(atPointer: pointer) {
            sets = Set(SettingsNormalizer.flatten(settings).map(\.key))
        }
        let right = canonical(existing, kind: desired.kind, ignoring: targetAddedSettings.subtracting(sets))
        var pointers: [JSONPointer] = []
        difference(left, right, at: JSONPointer(), into: &pointers)
        return pointers.isEmpty ? .identical : .different(pointers.sorted().map(\.description))
    }

    /// The canonical form both sides are compared in.
    static func canonical(_ body: JSONValue, kind: MetadataKind, ignoring extra: Set<String>) -> JSONValue {
        var result = body
        if let pointer = kind.indexBodyPointer?.appending("settings"), let settings = body.value(atPointer: pointer) {
            let kept = SettingsNormalizer.flatten(settings).filter { key, _ in
                SettingsStripRule.reason(for: key, in: SettingsStripRule.neverCopied) == nil && !extra.contains(key)
            }
            try? result.setValue(SettingsNormalizer.nest(kept.map { ($0.key, scalarText($0.value)) }), atPointer: pointer)
        }
        if kind == .legacyTemplate, result["order"] == nil || result["order"]?.intValue == 0 {
            result.removeValue(atPointer: JSONPointer(tokens: ["order"]))
        }
        return pruned(result, keepEmptyMembers: false) ?? .object([:])
    }

    /// Setting values as text, the way clusters store them.
    private static func scalarText(_ value: JSONValue) -> JSONValue {
        switch value {
        case .int, .double, .bool: .string(value.stringValue ?? "")
        case .array(let items): .array(items.map(scalarText))
        default: value
        }
    }

    /// Drops empty objects and lists, except alias entries (`"aliases": {"current": {}}` means something).
    private static func pruned(_ value: JSONValue, keepEmptyMembers: Bool) -> JSONValue? {
        switch value {
        case .object(let object):
            var result: [String: JSONValue] = [:]
            for (key, child) in object {
                if keepEmptyMembers, child.objectValue?.isEmpty == true {
                    result[key] = child
                } else if let kept = pruned(child, keepEmptyMembers: key == "aliases") {
                    result[key] = kept
                }
            }
            return result.isEmpty ? nil : .object(result)
        case .array(let items):
            return items.isEmpty ? nil : .array(items.map { pruned($0, keepEmptyMembers: false) ?? $0 })
        default:
            return value
        }
    }

    private static func difference(_ left: JSONValue?, _ right: JSONValue?, at pointer: JSONPointer, into pointers: inout [JSONPointer]) {
        if left == right { return }
        if case .object(let l)? = left, case .object(let r)? = right {
            for key in Set(l.keys).union(r.keys) {
                difference(l[key], r[key], at: pointer.appending(key), into: &pointers)
            }
        } else {
            pointers.append(pointer)
        }
    }
}
