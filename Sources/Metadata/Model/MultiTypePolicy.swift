/// What to do with an index (Elasticsearch 5 and earlier) that has several mapping types, since targets have one.
public enum MultiTypePolicy: Sendable, Hashable {
    /// One index whose properties are the union of the types' properties; conflicting field definitions stop the item.
    case union
    /// One index per type, named by a pattern where `{index}` and `{type}` are replaced (`{index}_{type}` by default).
    case split(namePattern: String)
    /// Keep the listed types (their union when several are present) and drop the others with their documents.
    case drop(keeping: [String])

    /// `{index}_{type}`: the name pattern of `.split` unless one is given.
    public static let defaultSplitPattern = "{index}_{type}"

    /// The target index name of one type under a split pattern.
    public static func splitName(pattern: String, index: String, type: String) -> String {
        pattern.replacingOccurrences(of: "{index}", with: index).replacingOccurrences(of: "{type}", with: type)
    }
}
