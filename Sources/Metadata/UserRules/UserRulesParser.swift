import Foundation
import TernCore
import Yams

/// Reads a user rule file with Yams' node tree, so every complaint names the line it is about.
struct UserRulesParser {
    let file: String

    static let ruleKeys = ["match", "set", "remove", "rename", "description"]
    static let matchKeys = ["kind", "name"]

    func parse(_ text: String) throws -> [UserRule] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw TernError.configuration("\(file) is not valid YAML (\(Self.describe(error))); fix the syntax at that place.")
        }
        guard let root else { return [] }
        guard let top = root.mapping else {
            throw fail(root, "the file must be a section with a `rules` list; start it with `rules:`")
        }
        var list: Node?
        for (key, value) in top {
            guard key.string == "rules" else {
                throw fail(key, "unknown key '\(key.string ?? "?")' at the top level; the file holds one key, `rules`")
            }
            list = value
        }
        guard let list else { throw fail(root, "there is no `rules` list; start the file with `rules:`") }
        if case .scalar(let scalar) = list, scalar.string.isEmpty || list.null != nil { return [] }
        guard let sequence = list.sequence else {
            throw fail(list, "`rules` must be a list of rules, each starting with `- match:`")
        }
        return try sequence.enumerated().map { try rule($0.element, number: $0.offset + 1) }
    }

    private func rule(_ node: Node, number: Int) throws -> UserRule {
        let name = "rule #\(number)"
        guard let mapping = node.mapping else {
            throw fail(node, "\(name) is not a section; write it as `- match: {name: \"logs-*\"}` followed by set, remove or rename")
        }
        var rule = UserRule(number: number, line: node.mark?.line, actions: [])
        var sawMatch = false
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "match":
                sawMatch = true
                try match(value, into: &rule, name: name)
            case "set":
                guard let entries = value.mapping else {
                    throw fail(value, "\(name) `set` must map JSON pointers to values, like {\"/settings/index/number_of_replicas\": 2}")
                }
                for (pointerNode, valueNode) in entries {
                    rule.actions.append(.set(try pointer(pointerNode, name: name, verb: "set"), try json(valueNode)))
                }
            case "remove":
                let entries: [Node]
                if let sequence = value.sequence {
                    entries = Array(sequence)
                } else if value.scalar != nil {
                    entries = [value]
                } else {
                    throw fail(value, "\(name) `remove` must be a list of JSON pointers, like [\"/settings/index/refresh_interval\"]")
                }
                for entry in entries { rule.actions.append(.remove(try pointer(entry, name: name, verb: "remove"))) }
            case "rename":
                guard let entries = value.mapping else {
                    throw fail(
                        value,
                        "\(name) `rename` must map JSON pointers to JSON pointers, like {\"/mappings/properties/old\": \"/mappings/properties/new\"}"
                    )
                }
                for (fromNode, toNode) in entries {
                    let from = try pointer(fromNode, name: name, verb: "rename")
                    let to = try pointer(toNode, name: name, verb: "rename")
                    if to.isWithin(from) {
                        throw fail(toNode, "\(name) renames `\(from)` into itself (`\(to)`); give a place outside it")
                    }
                    rule.actions.append(.rename(from: from, to: to))
                }
            case "description":
                continue
            default:
                throw fail(keyNode, "\(name) has an unknown key '\(key)'; a rule accepts \(Self.ruleKeys.joined(separator: ", "))")
            }
        }
        guard sawMatch else {
            throw fail(node, "\(name) has no `match`; add one, like `match: {kind: index, name: \"logs-*\"}`")
        }
        guard !rule.actions.isEmpty else {
            throw fail(node, "\(name) changes nothing; give it `set`, `remove` or `rename`")
        }
        return rule
    }

    private func match(_ node: Node, into rule: inout UserRule, name: String) throws {
        guard let mapping = node.mapping, !mapping.isEmpty else {
            throw fail(node, "\(name) `match` must be a section with `kind` and/or `name`, like {kind: index, name: \"logs-*\"}")
        }
        for (keyNode, value) in mapping {
            switch keyNode.string ?? "" {
            case "kind":
                let text = value.string ?? ""
                guard let kind = MetadataKind(name: text) else {
                    throw fail(
                        value,
                        "\(name) matches an unknown kind '\(text)'; use one of \(MetadataKind.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                rule.kind = kind
            case "name":
                let globs = (value.sequence.map(Array.init) ?? [value]).map { $0.scalar?.string }
                guard !globs.isEmpty, globs.allSatisfy({ $0?.isEmpty == false }) else {
                    throw fail(value, "\(name) `match.name` must be a name glob or a list of them, like \"logs-*\"")
                }
                rule.names = globs.compactMap { $0 }
            default:
                throw fail(
                    keyNode,
                    "\(name) `match` has an unknown key '\(keyNode.string ?? "?")'; it accepts \(Self.matchKeys.joined(separator: " and "))"
                )
            }
        }
    }

    /// A pointer from the file, checked: RFC 6901 syntax, not the whole item, settings in the nested form.
    private func pointer(_ node: Node, name: String, verb: String) throws -> JSONPointer {
        guard let text = node.scalar?.string else {
            throw fail(node, "\(name) `\(verb)` expects a JSON pointer here, like \"/settings/index/refresh_interval\"")
        }
        let pointer: JSONPointer
        do {
            pointer = try JSONPointer(parsing: text)
        } catch {
            throw fail(
                node,
                "\(name) `\(verb)` has '\(text)', which is not a JSON pointer (\(error.description)); write it like /mappings/properties/title"
            )
        }
        guard !pointer.tokens.isEmpty else {
            throw fail(
                node, "\(name) `\(verb)` points at the whole item; point at a place inside it, like /settings/index/number_of_replicas")
        }
        var tokens = pointer.tokens[...]
        if tokens.first == "template" { tokens = tokens.dropFirst() }
        if tokens.first == "settings", tokens.count > 1 {
            let rest = tokens.dropFirst()
            if rest.first != "index" || rest.contains(where: { $0.contains(".") }) {
                let nested = rest.flatMap { $0.split(separator: ".").map(String.init) }
                let suggestion = "/settings/" + (nested.first == "index" ? nested : ["index"] + nested).joined(separator: "/")
                throw fail(
                    node,
                    "\(name) `\(verb)` has '\(text)', but settings are compared and written in the nested form; write \(suggestion)")
            }
        }
        return pointer
    }

    /// A YAML value as JSON: quoted scalars stay strings, plain ones are read as numbers, booleans or null when they are.
    private func json(_ node: Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .singleQuoted || scalar.style == .doubleQuoted || scalar.style == .literal || scalar.style == .folded {
                return .string(scalar.string)
            }
            if node.null != nil { return .null }
            if let value = node.bool, ["true", "false"].contains(scalar.string.lowercased()) { return .bool(value) }
            if let value = Int64(scalar.string) { return .int(value) }
            if let value = node.float, scalar.string.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .double(value) }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(try sequence.map(json))
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping { object[key.string ?? ""] = try json(value) }
            return .object(object)
        case .alias:
            throw fail(node, "YAML aliases are not supported in rule values; write the value out")
        }
    }

    private func fail(_ node: Node, _ problem: String) -> TernError {
        let location = node.mark.map { "\(file) line \($0.line)" } ?? file
        return TernError.configuration("\(location): \(problem).")
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "the key \(duplicates.joined(separator: ", ")) appears twice, line \(context.mark.line)"
        default:
            return "\(error)"
        }
    }
}
