/// One line of a metadata evaluation: the item as it would be created, where it came from, and what would happen.
public struct ItemEvaluation: Sendable, Hashable {
    /// The item's name on the source.
    public var sourceName: String
    public var transformed: TransformedItem
    public var status: MetadataStatus

    public init(sourceName: String, transformed: TransformedItem, status: MetadataStatus) {
        self.sourceName = sourceName
        self.transformed = transformed
        self.status = status
    }
}
