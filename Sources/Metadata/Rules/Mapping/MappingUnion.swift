import TernCore

/// Merges the mappings of several types into one, the default for multi-type indices. Identical definitions merge;
/// object and nested fields and multi-fields merge member by member; anything else that differs is a conflict, reported
/// with the field, both definitions and both types, and the first type's definition kept.
enum MappingUnion {
    struct Conflict: Sendable, Hashable {
        /// Where the field is in the merged mapping (relative to the mapping).
        var pointer: JSONPointer
        /// `field "x": text in type a vs long in type b`.
        var message: String
    }

    /// Keys whose values are maps of named members that merge one by one.
    private static let memberMaps: Set<String> = ["properties", "fields", "_meta"]

    /// - Returns: the merged mapping and the conflicts found.
    static func union(_ types: [MappingTypes.TypedMapping]) -> (mapping: JSONValue, conflicts: [Conflict]) {
        var merged: [String: JSONValue] = [:]
        var origin: [JSONPointer: String] = [:]
        var conflicts: [Conflict] = []
        for typed in types {
            let name = typed.type ?? "?"
            guard let object = typed.mapping.objectValue else { continue }
            for key in object.keys.sorted() {
                let value = object[key] ?? .null
                let pointer = JSONPointer(tokens: [key])
                guard let existing = merged[key] else {
                    merged[key] = value
                    origin[pointer] = name
                    markOrigin(.object([key: value]), at: JSONPointer(), type: name, &origin)
                    continue
                }
                if key == "dynamic_templates" {
                    merged[key] = mergeDynamicTemplates(existing, value, type: name, origin: &origin, conflicts: &conflicts)
                } else if memberMaps.contains(key) {
                    merged[key] = mergeMembers(existing, value, at: pointer, type: name, origin: &origin, conflicts: &conflicts)
                } else if existing != value {
                    conflicts.append(
                        Conflict(
                            pointer: pointer,
                            message: "`\(key)`: \(render(existing)) in type \(origin[pointer] ?? "?") vs \(render(value)) in type \(name)"))
                }
            }
        }
        return (.object(merged), conflicts)
    }

    private static func markOrigin(_ value: JSONValue, at pointer: JSONPointer, type: String, _ origin: inout [JSONPointer: String]) {
        if origin[pointer] == nil { origin[pointer] = type }
        guard let object = value.objectValue else { return }
        for key in memberMaps {
            for (name, member) in object[key]?.objectValue ?? [:] {
                markOrigin(member, at: pointer.appending(key, name), type: type, &origin)
            }
        }
    }

    /// Merges two maps of named members (`properties`, `fields`).
    private static func mergeMembers(
        _ left: JSONValue, _ right: JSONValue, at pointer: JSONPointer, type: String,
        origin: inout [JSONPointer: String], conflicts: inout [Conflict]
    ) -> JSONValue {
        guard case .object(var members) = left, case .object(let others) = right else { return left }
        for name in others.keys.sorted() {
            let definition = others[name] ?? .null
            let place = pointer.appending(name)
            if let existing = members[name] {
                members[name] = mergeField(existing, definition, at: place, type: type, origin: &origin, conflicts: &conflicts)
            } else {
                members[name] = definition
                markOrigin(definition, at: place, type: type, &origin)
            }
        }
        return .object(members)
    }

    /// Merges two definitions of one field.
    private static func mergeField(
        _ left: JSONValue, _ right: JSONValue, at pointer: JSONPointer, type: String,
        origin: inout [JSONPointer: String], conflicts: inout [Conflict]
    ) -> JSONValue {
        if left == right { return left }
        guard case .object(var merged) = left, case .object(let other) = right else {
            conflicts.append(conflict(at: pointer, left, right, origin: origin[pointer], type: type))
            return left
        }
        // Object fields may omit `type: object`; compare types with that default when members are present.
        let leftType = fieldType(merged)
        let rightType = fieldType(other)
        guard leftType == rightType else {
            conflicts.append(conflict(at: pointer, left, right, origin: origin[pointer], type: type))
            return left
        }
        for key in Set(merged.keys).union(other.keys).sorted() where key != "type" {
            let mine = merged[key]
            let theirs = other[key]
            if mine == theirs { continue }
            if memberMaps.contains(key), let mine, let theirs {
                merged[key] = mergeMembers(mine, theirs, at: pointer.appending(key), type: type, origin: &origin, conflicts: &conflicts)
            } else if memberMaps.contains(key), mine == nil, let theirs {
                merged[key] = theirs
                markOrigin(.object([key: theirs]), at: pointer, type: type, &origin)
            } else if memberMaps.contains(key), theirs == nil {
                continue
            } else {
                let field = fieldLabel(pointer)
                conflicts.append(
                    Conflict(
                        pointer: pointer,
                        message:
                            "field \"\(field)\": \(key) \(mine.map(render) ?? "unset") in type \(origin[pointer] ?? "?") vs \(theirs.map(render) ?? "unset") in type \(type)"
                    ))
                return .object(merged)
            }
        }
        return .object(merged)
    }

    private static func mergeDynamicTemplates(
        _ left: JSONValue, _ right: JSONValue, type: String, origin: inout [JSONPointer: String], conflicts: inout [Conflict]
    ) -> JSONValue {
        guard case .array(var templates) = left, case .array(let others) = right else { return left }
        let pointer = JSONPointer(tokens: ["dynamic_templates"])
        for template in others where !templates.contains(template) {
            let name = template.objectValue?.keys.first ?? "?"
            if let clash = templates.first(where: { $0.objectValue?.keys.first == name }) {
                conflicts.append(
                    Conflict(
                        pointer: pointer,
                        message:
                            "dynamic template \"\(name)\": \(render(clash[name] ?? .null)) in type \(origin[pointer] ?? "?") vs \(render(template[name] ?? .null)) in type \(type)"
                    ))
            } else {
                templates.append(template)
            }
        }
        return .array(templates)
    }

    private static func fieldType(_ definition: [String: JSONValue]) -> String? {
        if let type = definition["type"]?.stringValue { return type }
        return definition["properties"] != nil ? "object" : nil
    }

    private static func conflict(at pointer: JSONPointer, _ left: JSONValue, _ right: JSONValue, origin: String?, type: String) -> Conflict
    {
        let describe: (JSONValue) -> String = { value in
            if let object = value.objectValue { return fieldType(object) ?? render(value) }
            return render(value)
        }
        return Conflict(
            pointer: pointer,
            message: "field \"\(fieldLabel(pointer))\": \(describe(left)) in type \(origin ?? "?") vs \(describe(right)) in type \(type)")
    }

    /// `user.name` from `/properties/user/properties/name`; multi-fields read `title.raw`.
    static func fieldLabel(_ pointer: JSONPointer) -> String {
        var names: [String] = []
        var expectName = false
        for token in pointer.tokens {
            if expectName {
                names.append(token)
                expectName = false
            } else if token == "properties" || token == "fields" {
                expectName = true
            }
        }
        return names.isEmpty ? pointer.description : names.joined(separator: ".")
    }

    /// Compact JSON for messages: strings as written, other values as JSON text.
    static func render(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .null: return "null"
        case .bool(let flag): return String(flag)
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .array(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.keys.sorted().map { "\($0): \(render(object[$0] ?? .null))" }.joined(separator: ", ") + "}"
        }
    }
}
