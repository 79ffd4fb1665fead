/// Which indices a migration step works on and what they are called on the target: include and exclude globs, system
/// indices left out unless named, and a rename map. Shared by backfill, metadata and validation.
public struct IndexSelection: Sendable, Equatable {
    /// Globs of names to take (`logs-*`); empty means every index.
    public var include: [String]
    /// Globs of names to leave out, applied after `include`.
    public var exclude: [String]
    /// `old:new` pairs; a `*` in both sides carries the matched part (`logs-*:archive-logs-*`).
    public var renames: [(from: String, to: String)]

    public init(include: [String] = [], exclude: [String] = [], renames: [(from: String, to: String)] = []) {
        self.include = include
        self.exclude = exclude
        self.renames = renames
    }

    public static func == (lhs: IndexSelection, rhs: IndexSelection) -> Bool {
        lhs.include == rhs.include && lhs.exclude == rhs.exclude && lhs.renames.map(\.from) == rhs.renames.map(\.from)
            && lhs.renames.map(\.to) == rhs.renames.map(\.to)
    }

    /// Parses `--rename old:new` values.
    /// - Throws: `TernError` (usage) naming the value that is not `old:new`, or whose wildcards do not pair up.
    public static func parseRenames(_ values: [String]) throws -> [(from: String, to: String)] {
        try values.map { value in
            let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw TernError(
                    .invalidArgument,
                    "--rename '\(value)' is not OLD:NEW; write it like --rename logs:logs-v2 or --rename 'logs-*:archive-*'.")
            }
            let stars = (parts[0].filter { $0 == "*" }.count, parts[1].filter { $0 == "*" }.count)
            guard stars == (0, 0) || stars == (1, 1) else {
                throw TernError(
                    .invalidArgument, "--rename '\(value)' must have one * on each side or none (the * carries the matched part).")
            }
            return (parts[0], parts[1])
        }
    }

    /// Whether `name` is selected. Names starting with `.` (system and hidden indices) need an include glob that starts
    /// with `.` too: `*` never takes `.kibana` or `.security`. Tern's own coordination indices are never selected.
    public func selects(_ name: String) -> Bool {
        if name.hasPrefix(Self.coordinationPrefix) { return false }
        let patterns = include.isEmpty ? ["*"] : include
        let included = patterns.contains { pattern in
            Glob.matches(pattern, name) && (!name.hasPrefix(".") || pattern.hasPrefix("."))
        }
        return included && !exclude.contains { Glob.matches($0, name) }
    }

    /// The prefix of the indices where workers of a shared backfill coordinate: Tern's bookkeeping, not the
    /// operator's data, so no selection takes them (not the metadata step, not validation, not a backfill).
    public static let coordinationPrefix = ".tern-coordination-"

    /// The selected names among `names`, in order.
    public func select(_ names: [String]) -> [String] {
        names.filter(selects)
    }

    /// The target name of a source index (the first rename that matches, else the same name).
    public func targetName(for name: String) -> String {
        for rename in renames {
            if !rename.from.contains("*") {
                if rename.from == name { return rename.to }
            } else if let captured = Glob.capture(rename.from, name) {
                return rename.to.replacingOccurrences(of: "*", with: captured)
            }
        }
        return name
    }
}
