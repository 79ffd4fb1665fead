import TernCore

/// Indices restored by one `_restore` call. A restore takes one `rename_pattern`, so every rename rule of the selection
/// gets its own group, and indices no rule renames share one group without a pattern.
struct RestoreGroup: Sendable, Equatable {
    /// Source index names, as in the snapshot.
    var indices: [String]
    /// A Java regular expression matching the whole name, with the `*` of the rule as group 1.
    var renamePattern: String?
    var renameReplacement: String?

    /// Groups `indices` by the rename rule `IndexSelection.targetName` applies to each (the first that matches).
    static func groups(for indices: [String], selection: IndexSelection) -> [RestoreGroup] {
        var groups: [RestoreGroup] = []
        var groupOfRule: [Int?: Int] = [:]
        for name in indices {
            let rule = selection.renames.firstIndex { rename in
                rename.from.contains("*") ? Glob.capture(rename.from, name) != nil : rename.from == name
            }
            if let position = groupOfRule[rule] {
                groups[position].indices.append(name)
                continue
            }
            groupOfRule[rule] = groups.count
            guard let rule else {
                groups.append(RestoreGroup(indices: [name]))
                continue
            }
            let rename = selection.renames[rule]
            let pattern: String
            if let star = rename.from.firstIndex(of: "*") {
                let prefix = String(rename.from[..<star])
                let suffix = String(rename.from[rename.from.index(after: star)...])
                pattern = "^\(regexLiteral(prefix))(.*)\(regexLiteral(suffix))$"
            } else {
                pattern = "^\(regexLiteral(rename.from))$"
            }
            let replacement: String
            if rename.from.contains("*") {
                // Every `*` of the new name carries the part the old name's `*` matched, as `targetName` does.
                replacement = rename.to.split(separator: "*", omittingEmptySubsequences: false).map { replacementLiteral(String($0)) }
                    .joined(separator: "$1")
            } else {
                replacement = replacementLiteral(rename.to)
            }
            groups.append(RestoreGroup(indices: [name], renamePattern: pattern, renameReplacement: replacement))
        }
        return groups
    }

    /// `text` matched literally by a Java regular expression.
    static func regexLiteral(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// `text` inserted literally by a Java `Matcher.replaceAll` replacement.
    static func replacementLiteral(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "\\" || character == "$" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
