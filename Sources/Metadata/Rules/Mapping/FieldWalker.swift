import TernCore

/// Visits every field definition of a typeless mapping: `properties` at any depth (object and nested fields), multi-fields
/// under `fields`, and the `mapping` of each dynamic template, so field rules need not know the mapping's shape.
enum FieldWalker {
    /// Where a visited definition is.
    struct Place: Sendable, Hashable {
        var pointer: JSONPointer
        /// `user.name` or `title.raw` (a multi-field); inside a dynamic template, the path below its mapping (often empty).
        var label: String
        /// The dynamic template the definition belongs to, if any.
        var dynamicTemplate: String?

        var isDynamicTemplate: Bool { dynamicTemplate != nil }

        /// How messages name the place: "field `user.name`", "in dynamic template `strings`".
        var subject: String {
            guard let dynamicTemplate else { return "field `\(label)`" }
            return "in dynamic template `\(dynamicTemplate)`" + (label.isEmpty ? "" : " (`\(label)`)")
        }
    }

    /// Calls `visit` on each definition, parents before children; children are walked in the changed definition.
    static func walk(
        _ mapping: inout JSONValue, at base: JSONPointer, _ visit: (inout [String: JSONValue], Place) -> Void
    ) {
        guard case .object(var root) = mapping else { return }
        mapping = .null
        if case .object(var properties)? = root["properties"] {
            walkProperties(&properties, at: base.appending("properties"), prefix: "", visit)
            root["properties"] = .object(properties)
        }
        if case .array(var templates)? = root["dynamic_templates"] {
            for position in templates.indices {
                guard case .object(var entry) = templates[position] else { continue }
                for name in entry.keys.sorted() {
                    guard case .object(var template)? = entry[name], case .object(var definition)? = template["mapping"] else { continue }
                    let pointer = base.appending("dynamic_templates", String(position), name, "mapping")
                    walkField(&definition, Place(pointer: pointer, label: "", dynamicTemplate: name), visit)
                    template["mapping"] = .object(definition)
                    entry[name] = .object(template)
                }
                templates[position] = .object(entry)
            }
            root["dynamic_templates"] = .array(templates)
        }
        mapping = .object(root)
    }

    private static func walkProperties(
        _ properties: inout [String: JSONValue], at pointer: JSONPointer, prefix: String,
        _ visit: (inout [String: JSONValue], Place) -> Void
    ) {
        for name in properties.keys.sorted() {
            guard case .object(var definition)? = properties[name] else { continue }
            properties[name] = nil
            walkField(&definition, Place(pointer: pointer.appending(name), label: prefix + name, dynamicTemplate: nil), visit)
            properties[name] = .object(definition)
        }
    }

    private static func walkField(
        _ definition: inout [String: JSONValue], _ place: Place, _ visit: (inout [String: JSONValue], Place) -> Void
    ) {
        visit(&definition, place)
        let prefix = place.label.isEmpty ? "" : place.label + "."
        if case .object(var properties)? = definition["properties"] {
            walkProperties(&properties, at: place.pointer.appending("properties"), prefix: prefix, visit)
            definition["properties"] = .object(properties)
        }
        if case .object(var fields)? = definition["fields"] {
            for name in fields.keys.sorted() {
                guard case .object(var subfield)? = fields[name] else { continue }
                let inner = Place(
                    pointer: place.pointer.appending("fields", name), label: prefix + name, dynamicTemplate: place.dynamicTemplate)
                walkField(&subfield, inner, visit)
                fields[name] = .object(subfield)
            }
            definition["fields"] = .object(fields)
        }
    }
}
