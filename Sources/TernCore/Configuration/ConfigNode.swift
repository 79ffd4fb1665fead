import Foundation
import Yams

/// A node of `tern.yml` that knows its key path and line, so every complaint can name both.
struct ConfigNode {
    let node: Node
    let path: String
    let file: String
    let environment: [String: String]

    /// `tern.yml line 7 (source.auth.password)`
    var location: String {
        if let line = node.mark?.line { return "\(file) line \(line), \(path)" }
        return "\(file), \(path)"
    }

    func fail(_ problem: String) -> TernError {
        TernError.configuration("\(location): \(problem)")
    }

    /// The mapping's children by key, rejecting keys the section does not know (typos must not be ignored silently).
    func mapping(allowedKeys: [String]) throws -> [String: ConfigNode] {
        guard let mapping = node.mapping else {
            throw fail("expected a section of keys (\(allowedKeys.joined(separator: ", "))), found \(kindName).")
        }
        var children: [String: ConfigNode] = [:]
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            let child = ConfigNode(node: valueNode, path: path.isEmpty ? key : "\(path).\(key)", file: file, environment: environment)
            guard allowedKeys.contains(key) else {
                let keyLocation = keyNode.mark.map { "\(file) line \($0.line)" } ?? file
                throw TernError.configuration(
                    "\(keyLocation): unknown key '\(child.path)'; \(path.isEmpty ? "the top level" : "'\(path)'") accepts \(allowedKeys.joined(separator: ", "))."
                )
            }
            children[key] = child
        }
        return children
    }

    /// A scalar with `${VAR}` and `${VAR:-default}` replaced from the environment (`$$` is a literal `$`).
    func string() throws -> String {
        guard case .scalar(let scalar) = node else {
            throw fail("expected a single value, found \(kindName).")
        }
        return try interpolate(scalar.string)
    }

    func secret() throws -> Secret { Secret(try string()) }

    /// A secret read from the file this value names (relative paths start at `baseDirectory`), trailing newline removed.
    func secretFromFile(baseDirectory: String) throws -> Secret {
        let path = try string()
        let resolved = path.hasPrefix("/") ? path : "\(baseDirectory)/\(path)"
        guard let data = FileManager.default.contents(atPath: resolved), let text = String(data: data, encoding: .utf8) else {
            throw fail("cannot read the file \(path); check that it exists and is readable.")
        }
        let trimmed = text.trimmingCharacters(in: .newlines)
        guard !trimmed.isEmpty else { throw fail("the file \(path) is empty.") }
        return Secret(trimmed)
    }

    func bool() throws -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        case let other: throw fail("'\(other)' is not true or false.")
        }
    }

    func int(in range: ClosedRange<Int>) throws -> Int {
        let text = try string()
        guard let value = Int(text), range.contains(value) else {
            throw fail("'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return value
    }

    /// `500ms`, `10s`, `2m`, `1h`, or a bare number of seconds; more than zero.
    func duration() throws -> Duration {
        let text = try string()
        guard let duration = Duration.parse(text), duration > .zero else {
            throw fail("'\(text.trimmingCharacters(in: .whitespaces))' is not a duration; write it like 500ms, 10s or 2m.")
        }
        return duration
    }

    /// A string, or a list of strings.
    func strings() throws -> [ConfigNode] {
        if case .sequence(let sequence) = node {
            return sequence.enumerated().map {
                ConfigNode(node: $0.element, path: "\(path)[\($0.offset)]", file: file, environment: environment)
            }
        }
        return [self]
    }

    private var kindName: String {
        switch node {
        case .scalar(let scalar): "the value '\(scalar.string)'"
        case .mapping: "a section"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    private func interpolate(_ text: String) throws -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("$") {
                result += "$"
                rest = after.dropFirst()
            } else if after.hasPrefix("{"), let close = after.firstIndex(of: "}") {
                let expression = after[after.index(after: after.startIndex)..<close]
                let parts = expression.split(separator: ":-", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw fail("'${\(expression)}' is not a valid variable reference; write ${NAME} or ${NAME:-default}.")
                }
                if let value = environment[name], !value.isEmpty {
                    result += value
                } else if parts.count == 2 {
                    result += parts[1]
                } else {
                    throw fail(
                        "refers to ${\(name)}, which is not set in the environment; export \(name) or give a default as ${\(name):-value}.")
                }
                rest = after[after.index(after: close)...]
            } else {
                result += "$"
                rest = after
            }
        }
        return result + rest
    }
}
