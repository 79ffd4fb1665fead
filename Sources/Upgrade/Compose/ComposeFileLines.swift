import Foundation

/// A Compose file as lines, with just enough structure for line-based edits: which service (or top-level `x-` block)
/// each line belongs to, its image line, and its `environment:` entries. Everything else stays as written.
struct ComposeFileLines {
    /// A service, or a top-level extension block (`x-opensearch: &common`) whose keys services merge.
    struct Block {
        var name: String
        /// `service opensearch-node1`, `block x-opensearch`
        var label: String
        var keyLine: Int
        /// The lines after the key line that belong to it.
        var body: Range<Int>
        var anchor: String?
        var merges: [String]
        var imageLine: Int?
        var environment: Environment?
    }

    /// An `environment:` section.
    struct Environment {
        var line: Int
        var entries: [EnvironmentEntry]
        /// Set when the section is written inline (`environment: [A=1]`) or refers to an anchor, which Tern leaves alone.
        var inline: Bool
    }

    struct EnvironmentEntry {
        enum Style { case list, map }
        var line: Int
        var key: String
        var value: String?
        var style: Style
        var quote: String
        var indent: String
        /// Characters before the key on its line.
        var keyOffset: Int
    }

    var lines: [String]
    var blocks: [Block] = []

    init(lines: [String]) {
        self.lines = lines
        blocks = findBlocks()
    }

    static func indent(of line: String) -> Int { line.prefix { $0 == " " }.count }

    static func isContent(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return !trimmed.isEmpty && !trimmed.hasPrefix("#")
    }

    /// `key:` at the start of a line (after its indentation), with an optional `&anchor`; nil for other lines.
    static func mappingKey(_ line: String) -> (key: String, rest: String)? {
        let trimmed = line.drop { $0 == " " }
        var key = trimmed.prefix { $0 != ":" && $0 != " " && $0 != "#" }
        var rest = trimmed.dropFirst(key.count)
        if key.first == "\"" || key.first == "'" {
            key = key.dropFirst().dropLast()
        }
        guard !key.isEmpty, !key.hasPrefix("-"), rest.hasPrefix(":") else { return nil }
        rest = rest.dropFirst()
        guard rest.isEmpty || rest.first == " " else { return nil }
        return (String(key), rest.trimmingCharacters(in: .whitespaces))
    }

    private func findBlocks() -> [Block] {
        var blocks: [Block] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard Self.isContent(line), Self.indent(of: line) == 0, let (key, rest) = Self.mappingKey(line) else {
                index += 1
                continue
            }
            let end = blockEnd(after: index, indent: 0)
            if key == "services" {
                let serviceIndent = (index + 1..<end).first { Self.isContent(lines[$0]) }.map { Self.indent(of: lines[$0]) } ?? 2
                var service = index + 1
                while service < end {
                    if Self.isContent(lines[service]) && Self.indent(of: lines[service]) == serviceIndent,
                        let (name, serviceRest) = Self.mappingKey(lines[service])
                    {
                        let serviceEnd = blockEnd(after: service, indent: serviceIndent)
                        blocks.append(block(name: name, label: "service \(name)", keyLine: service, rest: serviceRest, end: serviceEnd))
                        service = serviceEnd
                    } else {
                        service += 1
                    }
                }
            } else if key.hasPrefix("x-") {
                blocks.append(block(name: key, label: "block \(key)", keyLine: index, rest: rest, end: end))
            }
            index = end
        }
        return blocks
    }

    /// The first line after `start` that has content at `indent` or less.
    private func blockEnd(after start: Int, indent: Int) -> Int {
        var index = start + 1
        while index < lines.count {
            if Self.isContent(lines[index]) && Self.indent(of: lines[index]) <= indent { return index }
            index += 1
        }
        return lines.count
    }

    private func block(name: String, label: String, keyLine: Int, rest: String, end: Int) -> Block {
        var block = Block(name: name, label: label, keyLine: keyLine, body: keyLine + 1..<end, anchor: nil, merges: [])
        if rest.hasPrefix("&") { block.anchor = String(rest.dropFirst().prefix { !$0.isWhitespace }) }
        let bodyIndent = block.body.first { Self.isContent(lines[$0]) }.map { Self.indent(of: lines[$0]) } ?? 0
        var index = block.body.lowerBound
        while index < block.body.upperBound {
            let line = lines[index]
            defer { index += 1 }
            guard Self.isContent(line), let (key, value) = Self.mappingKey(line) else { continue }
            if key == "<<" {
                block.merges += value.split(whereSeparator: { $0 == "," || $0 == "[" || $0 == "]" || $0 == " " })
                    .filter { $0.hasPrefix("*") }.map { String($0.dropFirst()) }
            }
            guard Self.indent(of: line) == bodyIndent else { continue }
            if key == "image" && block.imageLine == nil {
                block.imageLine = index
            } else if key == "environment" {
                let valueWithoutComment = value.hasPrefix("#") ? "" : value
                let sectionEnd = blockEnd(after: index, indent: bodyIndent)
                var environment = Environment(line: index, entries: [], inline: !valueWithoutComment.isEmpty)
                if !environment.inline {
                    for entryLine in index + 1..<min(sectionEnd, block.body.upperBound) where Self.isContent(lines[entryLine]) {
                        if let entry = Self.environmentEntry(lines[entryLine], line: entryLine) { environment.entries.append(entry) }
                    }
                }
                block.environment = environment
            }
        }
        return block
    }

    /// `- KEY=value`, `- "KEY=value"`, `KEY: value`.
    static func environmentEntry(_ line: String, line number: Int) -> EnvironmentEntry? {
        let indentCount = indent(of: line)
        var rest = Substring(line).dropFirst(indentCount)
        var style = EnvironmentEntry.Style.map
        if rest.hasPrefix("-") {
            style = .list
            rest = rest.dropFirst().drop { $0 == " " }
        }
        var quote = ""
        if let first = rest.first, first == "\"" || first == "'" {
            quote = String(first)
            rest = rest.dropFirst()
        }
        let keyOffset = line.count - rest.count
        let key = rest.prefix { $0 != "=" && $0 != ":" && $0 != " " && $0 != "\"" && $0 != "'" && $0 != "#" }
        guard !key.isEmpty else { return nil }
        var after = rest.dropFirst(key.count)
        var value: String?
        if style == .list {
            if after.hasPrefix("=") {
                after = after.dropFirst()
                value = String(after.prefix { quote.isEmpty ? $0 != "#" : String($0) != quote }).trimmingCharacters(in: .whitespaces)
            }
        } else {
            if !quote.isEmpty && after.hasPrefix(quote) { after = after.dropFirst() }
            guard after.hasPrefix(":") else { return nil }
            var raw = after.dropFirst().trimmingCharacters(in: .whitespaces)
            if let hash = raw.range(of: " #") { raw = String(raw[..<hash.lowerBound]) }
            value = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        return EnvironmentEntry(
            line: number, key: String(key), value: value, style: style, quote: style == .list ? quote : "",
            indent: String(repeating: " ", count: indentCount), keyOffset: keyOffset)
    }
}
