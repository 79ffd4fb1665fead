import TernCore

/// A rollover alias needs exactly one write index: with several indices behind it and none marked `is_write_index`,
/// writes through the alias fail (and ISM's rollover with them). Checked over the indices a migration creates: a source
/// whose write index is not among the selected indices (excluded, or renamed apart) leaves the target's alias without
/// one, which the operator learns here rather than from the first failed write after the cutover.
public enum WriteIndexCheck {
    /// One sentence per alias that ends up with several indices and no write index, or with more than one.
    /// - Parameter indices: the index items to create, with their `aliases`.
    public static func problems(_ indices: [MetadataItem]) -> [String] {
        var members: [String: [(index: String, write: Bool?)]] = [:]
        for item in indices where item.kind == .index {
            for (alias, definition) in item.body["aliases"]?.objectValue ?? [:] {
                members[alias, default: []].append((item.name, definition["is_write_index"]?.boolValue))
            }
        }
        var problems: [String] = []
        for (alias, entries) in members.sorted(by: { $0.key < $1.key }) {
            let writers = entries.filter { $0.write == true }.map(\.index).sorted()
            if writers.count > 1 {
                problems.append(
                    "alias \(alias) would have \(writers.count) write indices (\(writers.joined(separator: ", "))); keep is_write_index on the newest only"
                )
            } else if writers.isEmpty, entries.count > 1, entries.contains(where: { $0.write == false }) {
                problems.append(
                    "alias \(alias) points to \(entries.count) of the migrated indices (\(entries.map(\.index).sorted().joined(separator: ", "))) but none is its write index: the source's is not selected, so writes through \(alias) fail on the target until one has is_write_index (select the source's write index too)"
                )
            }
        }
        return problems
    }
}
