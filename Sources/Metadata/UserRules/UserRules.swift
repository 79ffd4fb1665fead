import Foundation
import TernCore

/// Declarative rules from a YAML file, applied after the built-in rules and recorded like them:
///
/// ```yaml
/// rules:
///   - match: {kind: index, name: "logs-*"}   # kind optional; name a glob or a list of globs
///     set: {"/settings/index/number_of_replicas": 2, "/mappings/properties/msg/type": "text"}
///     remove: ["/settings/index/refresh_interval"]
///     rename: {"/mappings/properties/old": "/mappings/properties/new"}
/// ```
public struct UserRules: Sendable, Hashable {
    public var rules: [UserRule]
    /// The file the rules came from, named in recorded transformations.
    public var file: String

    public init(rules: [UserRule], file: String = "rules") {
        self.rules = rules
        self.file = file
    }

    /// Parses rule file text.
    /// - Parameters:
    ///   - text: the YAML.
    ///   - file: the name used in messages.
    /// - Throws: `TernError` (configuration) naming the line, the problem and the fix.
    public static func parse(_ text: String, file: String) throws -> UserRules {
        UserRules(rules: try UserRulesParser(file: file).parse(text), file: file)
    }

    /// Reads and parses a rule file.
    /// - Throws: `TernError` (configuration) when the file cannot be read or a rule is wrong.
    public static func load(path: String) throws -> UserRules {
        let text: String
        do {
            text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        } catch {
            throw TernError.configuration("Cannot read the rule file \(path); check that it exists, is readable and is UTF-8 text.")
        }
        return try parse(text, file: path)
    }

    /// Applies every matching rule to an item, in file order, recording each change as a transformation. A blocking
    /// finding whose place a rule changed is marked resolved by that rule: the person decided what goes there.
    /// - Parameters:
    ///   - item: the transformed item.
    ///   - sourceName: the item's name on the source (rules match it as well as the target name).
    public func apply(to item: inout TransformedItem, sourceName: String) {
        for rule in rules where rule.matches(kind: item.item.kind, names: [sourceName, item.item.name]) {
            for action in rule.actions {
                apply(action, of: rule, to: &item)
            }
        }
    }

    private func apply(_ action: UserRuleAction, of rule: UserRule, to item: inout TransformedItem) {
        let kind = item.item.kind
        let origin = rule.line.map { " (\(file) line \($0))" } ?? " (\(file))"
        var touched: [JSONPointer] = []
        switch action {
        case .set(let written, let value):
            let pointer = Self.resolve(written, for: kind)
            let before = item.item.body.value(atPointer: pointer)
            do {
                try item.item.body.setValue(value, atPointer: pointer)
                let change = before.map { "from \(MappingUnion.render($0)) " } ?? ""
                item.transformations.append(
                    Transformation(rule: rule.id, at: pointer, "set `\(pointer)` \(change)to \(MappingUnion.render(value))\(origin)"))
                touched = [pointer]
            } catch {
                failed(rule, at: pointer, "cannot set `\(pointer)`: \(error.description)", origin: origin, in: &item)
            }
        case .remove(let written):
            let pointer = Self.resolve(written, for: kind)
            if let removed = item.item.body.removeValue(atPointer: pointer) {
                item.transformations.append(
                    Transformation(rule: rule.id, at: pointer, "removed `\(pointer)` (was \(MappingUnion.render(removed)))\(origin)"))
                touched = [pointer]
            }
        case .rename(let writtenFrom, let writtenTo):
            let from = Self.resolve(writtenFrom, for: kind)
            let to = Self.resolve(writtenTo, for: kind)
            guard let value = item.item.body.value(atPointer: from) else { return }
            var body = item.item.body
            body.removeValue(atPointer: from)
            do {
                try body.setValue(value, atPointer: to)
                item.item.body = body
                item.transformations.append(Transformation(rule: rule.id, at: to, "moved `\(from)` to `\(to)`\(origin)"))
                touched = [from, to]
            } catch {
                failed(rule, at: to, "cannot move `\(from)` to `\(to)`: \(error.description)", origin: origin, in: &item)
            }
        }
        for index in item.findings.indices where item.findings[index].isBlocking {
            guard let place = try? JSONPointer(parsing: item.findings[index].place) else { continue }
            if touched.contains(where: { $0.isWithin(place) || place.isWithin($0) }) {
                item.findings[index].resolvedBy = rule.id
            }
        }
    }

    private func failed(_ rule: UserRule, at pointer: JSONPointer, _ what: String, origin: String, in item: inout TransformedItem) {
        item.findings.append(
            Unconvertible(
                rule: rule.id, place: pointer.description, what: "\(rule.id) \(what)",
                why: "the item has another shape there than the rule expects",
                action: "correct the pointer in \(file)\(rule.line.map { " line \($0)" } ?? "")", impact: .blocking))
    }

    /// For templates with a `template` section, `/settings`, `/mappings` and `/aliases` reach into it.
    static func resolve(_ pointer: JSONPointer, for kind: MetadataKind) -> JSONPointer {
        guard let base = kind.indexBodyPointer, !base.tokens.isEmpty, let first = pointer.tokens.first,
            ["settings", "mappings", "aliases"].contains(first)
        else { return pointer }
        return base.appending(pointer)
    }
}
