import Foundation
import TernCore

/// The part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that the OpenSearch API specification relies on:
/// `$ref`, `type`, `properties`, `required`, `additionalProperties`, `unevaluatedProperties`, `items`, `enum`, `const`,
/// `allOf`, `anyOf`, `oneOf`, `minProperties`, `maxProperties`, `minItems` and `maxItems`. Other keywords
/// (formats, patterns, descriptions) are not checked.
///
/// `oneOf` is checked as `anyOf`: the specification uses it for alternatives that overlap (a string or a list of
/// strings that may also be one string), where exactly-one would refuse what OpenSearch accepts.
struct JSONSchemaCheck {
    let documents: SpecificationDocuments

    /// Every way `value` breaks `schema`, each naming where (`body.indices[2]`).
    func problems(_ value: JSONValue, schema: SchemaReference, at location: String) -> [String] {
        var evaluated = Set<String>()
        return problems(value, schema: schema, at: location, evaluated: &evaluated)
    }

    /// Whether a query parameter's text is a value of `schema` (booleans, numbers, enums, comma-separated lists).
    func accepts(parameter text: String, schema: SchemaReference) -> Bool {
        guard let (file, node) = try? documents.resolve(file: schema.file, node: schema.node),
            let object = node as? [String: Any]
        else { return true }
        for keyword in ["anyOf", "oneOf"] {
            if let branches = object[keyword] as? [Any] {
                return branches.contains { accepts(parameter: text, schema: SchemaReference(file: file, node: $0)) }
            }
        }
        if let branches = object["allOf"] as? [Any] {
            return branches.allSatisfy { accepts(parameter: text, schema: SchemaReference(file: file, node: $0)) }
        }
        if let options = object["enum"] as? [Any] {
            return options.contains { "\($0)" == text }
        }
        if let constant = object["const"] {
            return "\(constant)" == text
        }
        switch types(object) {
        case let types where types.contains("array"):
            guard let items = object["items"] else { return true }
            return text.split(separator: ",").allSatisfy {
                accepts(parameter: String($0), schema: SchemaReference(file: file, node: items))
            }
        case let types where types == ["boolean"]:
            return text == "true" || text == "false" || text.isEmpty
        case let types where types == ["integer"]:
            return Int64(text) != nil
        case let types where types == ["number"]:
            return Double(text) != nil
        default:
            return true
        }
    }

    private func types(_ object: [String: Any]) -> Set<String> {
        if let type = object["type"] as? String { return [type] }
        if let types = object["type"] as? [String] { return Set(types) }
        return []
    }

    private func problems(_ value: JSONValue, schema: SchemaReference, at location: String, evaluated: inout Set<String>) -> [String] {
        let file: URL
        let node: Any
        do {
            (file, node) = try documents.resolve(file: schema.file, node: schema.node)
        } catch {
            return ["\(location): the specification cannot be read here (\(error))"]
        }
        if let bool = node as? Bool { return bool ? [] : ["\(location): no value is allowed here"] }
        guard let object = node as? [String: Any] else { return [] }
        func sub(_ node: Any) -> SchemaReference { SchemaReference(file: file, node: node) }
        var found: [String] = []

        let allowed = types(object)
        if !allowed.isEmpty, !allowed.contains(where: { Self.value(value, isOfType: $0) }) {
            return ["\(location): \(Self.describe(value)) where the specification wants \(allowed.sorted().joined(separator: " or "))"]
        }
        if let options = object["enum"] as? [Any], !options.contains(where: { Self.equal(value, $0) }) {
            found.append("\(location): \(Self.describe(value)) is not one of \(options.map { "\($0)" }.joined(separator: ", "))")
        }
        if let constant = object["const"], !Self.equal(value, constant) {
            found.append("\(location): \(Self.describe(value)) is not \(constant)")
        }
        for case let branch in object["allOf"] as? [Any] ?? [] {
            found += problems(value, schema: sub(branch), at: location, evaluated: &evaluated)
        }
        for keyword in ["anyOf", "oneOf"] {
            guard let branches = object[keyword] as? [Any] else { continue }
            var passing = false
            var closest: [String]?
            for branch in branches {
                var branchEvaluated = Set<String>()
                let branchProblems = problems(value, schema: sub(branch), at: location, evaluated: &branchEvaluated)
                if branchProblems.isEmpty {
                    passing = true
                    evaluated.formUnion(branchEvaluated)
                } else if closest == nil || branchProblems.count < closest!.count {
                    closest = branchProblems
                }
            }
            if !passing {
                found.append(
                    "\(location): matches none of the \(branches.count) alternatives (the closest: \((closest ?? []).joined(separator: "; ")))"
                )
            }
        }

        switch value {
        case .object(let members):
            let properties = object["properties"] as? [String: Any] ?? [:]
            for key in (object["required"] as? [String] ?? []) where members[key] == nil {
                found.append("\(location): the required \(key) is missing")
            }
            if let minimum = object["minProperties"] as? Int, members.count < minimum {
                found.append("\(location): fewer than \(minimum) members")
            }
            if let maximum = object["maxProperties"] as? Int, members.count > maximum {
                found.append("\(location): more than \(maximum) members")
            }
            for key in members.keys.sorted() {
                let member = members[key]!
                if let property = properties[key] {
                    evaluated.insert(key)
                    found += problems(member, schema: sub(property), at: "\(location).\(key)")
                } else if let additional = object["additionalProperties"] {
                    evaluated.insert(key)
                    if let allowed = additional as? Bool, !allowed {
                        found.append("\(location): \(key) is not a property the specification knows")
                    } else if !(additional is Bool) {
                        found += problems(member, schema: sub(additional), at: "\(location).\(key)")
                    }
                }
            }
            if let unevaluated = object["unevaluatedProperties"] as? Bool, !unevaluated {
                for key in members.keys.sorted() where !evaluated.contains(key) {
                    found.append("\(location): \(key) is not a property the specification knows")
                }
            }
        case .array(let elements):
            if let items = object["items"] {
                for (index, element) in elements.enumerated() {
                    found += problems(element, schema: sub(items), at: "\(location)[\(index)]")
                }
            }
            if let minimum = object["minItems"] as? Int, elements.count < minimum {
                found.append("\(location): fewer than \(minimum) elements")
            }
            if let maximum = object["maxItems"] as? Int, elements.count > maximum {
                found.append("\(location): more than \(maximum) elements")
            }
        default:
            break
        }
        return found
    }

    static func value(_ value: JSONValue, isOfType type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): true
        case ("integer", .int): true
        case ("integer", .double(let number)): number.rounded() == number
        case ("number", .int), ("number", .double): true
        default: false
        }
    }

    static func equal(_ value: JSONValue, _ yaml: Any) -> Bool {
        switch value {
        case .string(let text): (yaml as? String) == text
        case .bool(let flag): (yaml as? Bool) == flag
        case .int(let number): (yaml as? Int).map { Int64($0) == number } ?? ((yaml as? Double) == Double(number))
        case .double(let number): (yaml as? Double) == number || (yaml as? Int).map { Double($0) == number } ?? false
        case .null: yaml is NSNull
        default: false
        }
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): "the boolean \(flag)"
        case .int(let number): "the number \(number)"
        case .double(let number): "the number \(number)"
        case .string(let text): "the string \"\(text.prefix(40))\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}
